import { describe, expect, it } from 'vitest';
import { commandStatus, describeGuestEnd, diedBeforeCommand } from './guest-end.js';

const HALTED_TAIL = ['@@lvs-harness-guest:command-end@@', 'Powering off.', 'reboot: System halted'].join('\n');

describe("the command's exit status from a guest's end", () => {
  it('takes the recorded status of a guest that powered off', () => {
    expect(commandStatus({ kind: 'powered-off' }, HALTED_TAIL, '3\n')).toEqual({ exitCode: 3 });
  });

  it('takes it from a kernel killed by a signal after it halted, and names the signal', () => {
    expect(commandStatus({ kind: 'killed', signal: 'SIGABRT' }, HALTED_TAIL, '0\n')).toEqual({ exitCode: 0, killedAfterHalt: 'SIGABRT' });
    expect(commandStatus({ kind: 'killed', signal: 'SIGSEGV' }, 'reboot: Power down\r', '1')).toEqual({ exitCode: 1, killedAfterHalt: 'SIGSEGV' });
  });

  it('has none when the kernel was killed before it halted, even with a status recorded', () => {
    expect(commandStatus({ kind: 'killed', signal: 'SIGABRT' }, '@@lvs-harness-guest:command-end@@\nPowering off.', '0\n')).toBeUndefined();
    // The line must be the kernel's own, not something a command printed mid-line.
    expect(commandStatus({ kind: 'killed', signal: 'SIGKILL' }, 'echo reboot: System halted', '0')).toBeUndefined();
  });

  it('has none without a whole-number status, or when the guest panicked or hung', () => {
    expect(commandStatus({ kind: 'killed', signal: 'SIGABRT' }, HALTED_TAIL, undefined)).toBeUndefined();
    expect(commandStatus({ kind: 'powered-off' }, HALTED_TAIL, '')).toBeUndefined();
    expect(commandStatus({ kind: 'powered-off' }, HALTED_TAIL, 'x')).toBeUndefined();
    expect(commandStatus({ kind: 'panicked' }, HALTED_TAIL, '0')).toBeUndefined();
    expect(commandStatus({ kind: 'hung', timeoutMs: 1000 }, HALTED_TAIL, '0')).toBeUndefined();
  });

  it('still reports a kernel killed before its halt with the signal and the console', () => {
    expect(describeGuestEnd({ kind: 'killed', signal: 'SIGABRT' }, { tail: 'Powering off.' }, 'User-Mode Linux')).toBe(
      "the User-Mode Linux kernel was killed by SIGABRT; the console's last lines:\n  | Powering off.",
    );
  });
});

describe('a guest that died before its command started', () => {
  it('is booted again when it panicked or was killed while booting', () => {
    expect(diedBeforeCommand({ kind: 'panicked' }, false)).toBe(true);
    expect(diedBeforeCommand({ kind: 'killed', signal: 'SIGSEGV' }, false)).toBe(true);
  });

  it('is not once the command started, nor when the boot hung or powered off', () => {
    expect(diedBeforeCommand({ kind: 'panicked' }, true)).toBe(false);
    expect(diedBeforeCommand({ kind: 'killed', signal: 'SIGABRT' }, true)).toBe(false);
    expect(diedBeforeCommand({ kind: 'hung', timeoutMs: 60_000 }, false)).toBe(false);
    expect(diedBeforeCommand({ kind: 'powered-off' }, false)).toBe(false);
    expect(diedBeforeCommand({ kind: 'no-status', startedCommand: false }, false)).toBe(false);
  });
});
