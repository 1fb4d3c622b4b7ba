#!/bin/sh
# PID 1 of the User-Mode Linux guest that lvs-harness boots (harness/kernel/run-in-uml.ts).
# The host's root is mounted read-only; this script makes the few writable places a system
# needs, loads the modules, runs the one command it was given and carries its exit status
# back through the read-write exchange folder. The kernel passes `lvsh_exchange=...` from
# its command line to us as an environment variable.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
X="$lvsh_exchange"
say() { echo "lvs-harness guest: $*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/netns /run/lvs-harness-modules /tmp/home
# The exchange folder, read-write: job in, exit status and evidence out.
mount -t hostfs -o "$X" none "$X" || { say "cannot mount the exchange folder $X"; poweroff -f; }
# Host folders under /tmp that the command needs (the tmpfs above hides the host's /tmp).
while IFS= read -r folder || [ -n "$folder" ]; do
  [ -n "$folder" ] || continue
  mkdir -p "$folder" && mount -r -t hostfs -o "$folder" none "$folder" || say "cannot mount $folder"
done < "$X/mounts"
# Files lying directly in the host's /tmp: the host's /tmp, read-only, beside ours, and a link
# for each (mounting it over ours would take away the guest's writable /tmp).
if [ -s "$X/tmp-files" ]; then
  mkdir -p /run/host-tmp && mount -r -t hostfs -o /tmp none /run/host-tmp || say "cannot mount the host's /tmp"
  while IFS= read -r name || [ -n "$name" ]; do
    [ -n "$name" ] && ln -s "/run/host-tmp/$name" "/tmp/$name"
  done < "$X/tmp-files"
fi
# Host folders the command writes its results to (a bundle, kept captures), read-write.
while IFS= read -r folder || [ -n "$folder" ]; do
  [ -n "$folder" ] || continue
  mkdir -p "$folder" && mount -t hostfs -o "$folder" none "$folder" || say "cannot mount $folder read-write"
done < "$X/rw-mounts"

# modprobe looks in <root>/lib/modules/<release>, which the host does not have: point it at
# the UML package's modules through a folder of our own.
M=/run/lvs-harness-modules
mkdir -p "$M/lib/modules"
ln -s "$(cat "$X/modules-dir")" "$M/lib/modules/$(uname -r)"
for module in $(cat "$X/modules"); do
  modprobe -d "$M" "$module" 2>/dev/null || echo "$module" >> "$M/failed"
done
[ -f "$M/failed" ] && say "modules that did not load: $(tr '\n' ' ' < "$M/failed")"

cd "$(cat "$X/cwd")" || { say "cannot enter $(cat "$X/cwd")"; echo 2 > "$X/exit-status"; poweroff -f; }
echo started > "$X/started"
# The host streams the console between these two marker lines; kernel chatter outside them
# is kept only for the report of a kernel that failed.
echo "@@lvs-harness-guest:command-start@@"
# The command and its environment come NUL-separated (NAME=VALUE..., then a fixed `sh -c`
# that runs "$@" and records its status, then the argv): no shell ever parses the input.
# Unless a person is at the console, the command writes to a pipe, not to the console's
# terminal: test runners then print plain lines instead of redrawing the screen. Its stderr
# goes to the second console (tty1), which the host streams to its own stderr, so what the
# command prints on stdout (a JSON report) arrives clean on the host's stdout.
if [ -f "$X/interactive" ]; then
  xargs -0 -x -a "$X/command" env -i
  rc=$?
elif [ -c /dev/tty1 ]; then
  xargs -0 -x -a "$X/command" env -i 2>/dev/tty1 | cat
  rc=$?
else
  xargs -0 -x -a "$X/command" env -i 2>&1 | cat
  rc=$?
fi
echo "@@lvs-harness-guest:command-end@@"
[ -s "$X/exit-status" ] || { say "could not run the command (xargs exit $rc)"; echo 126 > "$X/exit-status"; }
sync
poweroff -f
