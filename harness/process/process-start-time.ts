// A process's identity beyond its pid, which the kernel reuses: a record that names a pid also
// names its start time, and the process is the same one only while both agree.
import { readFileSync } from 'node:fs';

/** The kernel's start time of a process (field 22 of /proc/PID/stat), or undefined if it is gone. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
