// How a guest's run ended, in words a user can act on; the backend's label names the guest.

export type GuestEnd =
  | { kind: 'powered-off' }
  | { kind: 'no-status'; startedCommand: boolean }
  | { kind: 'panicked' }
  | { kind: 'hung'; timeoutMs: number }
  | { kind: 'killed'; signal: string };

/** The kernel's own last line once it has shut down: after it, nothing of the guest runs. */
const HALTED = /^reboot: (System halted|Power down)\s*$/m;

/**
 * The command's exit status from how the guest ended and what it recorded (the status file's
 * text), or undefined when the run did not end with one. A guest that powered off gives it; so
 * does a kernel killed by a signal after it halted (User-Mode Linux 6.1 died of SIGABRT right after
 * "reboot: System halted" in one of about twenty runs of npm test here): by then the command had ended, its status
 * was written and the guest's file systems were synced, so the kernel's own end does not
 * change the command's result. `killedAfterHalt` names the signal, for a note to the user.
 */
export function commandStatus(end: GuestEnd, consoleTail: string, statusText: string | undefined): { exitCode: number; killedAfterHalt?: string } | undefined {
  const trimmed = statusText?.trim();
  if (trimmed === undefined || !/^\d+$/.test(trimmed)) return undefined;
  if (end.kind === 'powered-off') return { exitCode: Number(trimmed) };
  if (end.kind === 'killed' && HALTED.test(consoleTail)) return { exitCode: Number(trimmed), killedAfterHalt: end.signal };
  return undefined;
}

/**
 * Whether a guest died before its command started, in a way another boot may not repeat: a
 * kernel that panicked or was killed while booting ran nothing of the command, so booting it
 * again runs the command once. (Debian's 6.12 under QEMU's TCG oopsed once in a boot's text
 * patching, "int3" in sched_clock_cpu, in one of about twenty runs of npm test here.) Not a
 * hung boot, which already took its whole bound, nor one that powered off: its init failed.
 */
export function diedBeforeCommand(end: GuestEnd, commandStarted: boolean): boolean {
  return !commandStarted && (end.kind === 'panicked' || end.kind === 'killed');
}

/** What the console showed of a guest's end: its last lines, the telling ones from before them, the likely cause. */
export interface GuestConsoleReport {
  tail: string;
  telling?: readonly string[];
  cause?: string;
}

/** The message for a run that did not end with the command's exit status. */
export function describeGuestEnd(end: GuestEnd, console: GuestConsoleReport, label: string): string {
  const kernel = `the ${label} kernel`;
  const what = (() => {
    switch (end.kind) {
      case 'powered-off':
        return `${kernel} powered off`;
      case 'no-status':
        return end.startedCommand
          ? `${kernel} stopped before the command reported its exit status`
          : `${kernel} stopped before the command started (boot or init failed)`;
      case 'panicked':
        return `${kernel} panicked`;
      case 'hung':
        return `${kernel} did not finish within ${Math.round(end.timeoutMs / 1000)} s and was killed (hung)`;
      case 'killed':
        return `${kernel} was killed by ${end.signal}`;
    }
  })();
  const quote = (lines: readonly string[]) => lines.map((line) => `  | ${line}`).join('\n');
  const tail = console.tail.trim();
  const parts = [tail ? `${what}; the console's last lines:\n${quote(withoutStackTrace(tail.split('\n')))}` : `${what}; the console printed nothing`];
  // The lines that say why scroll out of the tail behind a stack trace: quote them again.
  const earlier = (console.telling ?? []).filter((line) => !tail.includes(line));
  if (earlier.length > 0) parts.push(`before them, the console said:\n${quote(earlier)}`);
  if (console.cause) parts.push(`likely cause: ${console.cause}`);
  return parts.join('\n');
}

/**
 * A kernel's stack trace as one line saying how long it was: UML's frames
 * (` [<6069f4e1>] dump_stack_lvl+0x4a/0x58`) and x86's (`[    6.40] ? panic+0x344/0x3a0`,
 * between `<TASK>` and `</TASK>`).
 */
const STACK_FRAME = /^\s*(\[<[0-9a-f]+>\]|(\[\s*\d+\.\d+\]\s+)?(\? )?[\w.]+\+0x[0-9a-f]+\/0x[0-9a-f]+( \[\w+\])?\s*$|(\[\s*\d+\.\d+\]\s+)?<\/?TASK>\s*$)/;

function withoutStackTrace(lines: readonly string[]): string[] {
  const kept: string[] = [];
  let frames = 0;
  const flush = () => {
    if (frames > 0) kept.push(`(${frames} lines of a kernel stack trace)`);
    frames = 0;
  };
  for (const line of lines) {
    if (STACK_FRAME.test(line)) frames += 1;
    else if (!(frames > 0 && line.trim() === '')) flush(), kept.push(line);
  }
  flush();
  return kept;
}
