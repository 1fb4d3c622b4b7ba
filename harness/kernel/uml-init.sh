#!/bin/sh
# PID 1 of the User-Mode Linux guest that lvs-harness boots (harness/kernel/uml-backend.ts).
# The host's root is mounted read-only (hostfs); this script makes the few writable places a
# system needs and mounts what the job shares with the host, then hands over to the job's
# own part (guest-job.sh, the same for every backend). The kernel passes `lvsh_exchange=...`
# from its command line to us as an environment variable.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
X="$lvsh_exchange"
say() { echo "lvs-harness guest: $*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/netns /run/lvs-harness-modules
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

# The rest is every backend's: modules, the command, its exit status, power-off.
. "$X/job.sh"
