// The host process that is a guest (a User-Mode Linux kernel, a virtual machine), supervised
// the same way whatever the backend: its own process group, so every process of it dies with
// it; its consoles taken in; killed and reported hung past its bound; its end told apart
// (powered off, panicked, killed). The undo stack kills it on SIGINT or SIGTERM.
import { execa } from 'execa';
import type { UndoStack } from '../process/undo-stack.js';
import type { GuestEnd } from './guest-end.js';
import type { GuestConsole } from './guest-console.js';

export type BootEnd = GuestEnd & { consoleTail: string; telling: string[] };

export interface GuestProcess {
  command: string;
  args: readonly string[];
  env: Record<string, string | undefined>;
  /** A person at the console: the guest reads this process's stdin. */
  interactive: boolean;
  console: GuestConsole;
  timeoutMs: number;
  undo: UndoStack;
  /** What the undo step is called, e.g. "kill the User-Mode Linux kernel". */
  undoLabel: string;
}

/** Starts the guest's host process and resolves with how it ended. */
export async function superviseGuestProcess(guest: GuestProcess): Promise<BootEnd> {
  const child = execa(guest.command, guest.args, {
    detached: true,
    stdin: guest.interactive ? 'inherit' : 'ignore',
    buffer: false,
    reject: false,
    env: guest.env,
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => guest.console.acceptConsole(chunk));
  // The host process's stderr carries the guest's second console (the command's stderr) and,
  // before the command starts, the backend's start-up chatter.
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => guest.console.acceptErrorConsole(chunk));

  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    killGroup();
  }, guest.timeoutMs);
  // When the main process dies (killed, panicked), the rest of its group would keep our pipes open forever.
  child.on('exit', killGroup);
  guest.undo.push(guest.undoLabel, async () => {
    killGroup();
    await child;
  });
  try {
    const result = await child;
    const seen = guest.console.seen();
    if (hung) return { kind: 'hung', timeoutMs: guest.timeoutMs, ...seen };
    // A panic's own line may have scrolled out of the tail behind its stack trace.
    if (/Kernel panic/.test(seen.consoleTail) || seen.telling.some((line) => line.includes('Kernel panic'))) return { kind: 'panicked', ...seen };
    if (result.signal) return { kind: 'killed', signal: result.signal, ...seen };
    return { kind: 'powered-off', ...seen };
  } finally {
    clearTimeout(timer);
    killGroup();
  }
}
