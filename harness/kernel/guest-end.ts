// How a User-Mode Linux run ended, in words a user can act on.

export type GuestEnd =
  | { kind: 'powered-off' }
  | { kind: 'no-status'; startedCommand: boolean }
  | { kind: 'panicked' }
  | { kind: 'hung'; timeoutMs: number }
  | { kind: 'killed'; signal: string };

/** The message for a run that did not end with the command's exit status. */
export function describeGuestEnd(end: GuestEnd, consoleTail: string): string {
  const what = (() => {
    switch (end.kind) {
      case 'powered-off':
        return 'the User-Mode Linux kernel powered off';
      case 'no-status':
        return end.startedCommand
          ? 'the User-Mode Linux kernel stopped before the command reported its exit status'
          : 'the User-Mode Linux kernel stopped before the command started (boot or init failed)';
      case 'panicked':
        return 'the User-Mode Linux kernel panicked';
      case 'hung':
        return `the User-Mode Linux kernel did not finish within ${Math.round(end.timeoutMs / 1000)} s and was killed (hung)`;
      case 'killed':
        return `the User-Mode Linux kernel was killed by ${end.signal}`;
    }
  })();
  const tail = consoleTail.trim();
  return tail ? `${what}; the console's last lines:\n${tail.split('\n').map((line) => `  | ${line}`).join('\n')}` : `${what}; the console printed nothing`;
}
