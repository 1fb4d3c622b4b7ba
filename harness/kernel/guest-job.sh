# The job's part of a guest's init, the same for every backend (sourced by its init once the
# exchange folder $X and the host's shared folders are mounted): loads the modules, runs the
# one command it was given and carries its exit status back through the exchange folder.
# say() and PATH come from the init that sources this.

# The command's HOME (guest-job.ts sets it) in the guest's own /tmp.
mkdir -p /tmp/home

# modprobe looks in <root>/lib/modules/<release>, which the host does not have: point it at
# the modules the backend named (its modules-dir) through a folder of our own.
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
# goes to the second console (LVSH_ERROR_CONSOLE from the backend's init; UML's tty1), which the host streams to its own stderr, so what the
# command prints on stdout (a JSON report) arrives clean on the host's stdout.
if [ -f "$X/interactive" ]; then
  xargs -0 -x -a "$X/command" env -i
  rc=$?
elif [ -c "${LVSH_ERROR_CONSOLE:=/dev/tty1}" ]; then
  xargs -0 -x -a "$X/command" env -i 2>"$LVSH_ERROR_CONSOLE" | cat
  rc=$?
else
  xargs -0 -x -a "$X/command" env -i 2>&1 | cat
  rc=$?
fi
echo "@@lvs-harness-guest:command-end@@"
[ -s "$X/exit-status" ] || { say "could not run the command (xargs exit $rc)"; echo 126 > "$X/exit-status"; }
sync
poweroff -f
