import { describe, expect, it } from 'vitest';
import { describeGuestEnd } from './guest-end.js';
import { GuestConsole } from './guest-console.js';

describe("a guest's console tail", () => {
  it('joins lines that arrive in pieces, each console on its own (a serial line delivers a few bytes at a time)', () => {
    const console = new GuestConsole({ onConsole: () => undefined }, false);
    for (const piece of ['[    7.30] RAX: ff', 'ffffffffffffda R', 'BX: 0000\r\n[    7.31] R', 'DX: 02\r\n']) console.acceptConsole(piece);
    console.acceptErrorConsole('an err');
    console.acceptConsole('Kernel Off');
    console.acceptErrorConsole('or line\n');
    console.acceptConsole('set: 0x1780');
    expect(console.seen().consoleTail.split('\n')).toEqual(['[    7.30] RAX: ffffffffffffffda RBX: 0000', '[    7.31] RDX: 02', 'an error line', 'Kernel Offset: 0x1780']);
  });
});

describe("a guest's end, told", () => {
  it("folds an x86 kernel's stack trace (QEMU's guests) into one line, as UML's", () => {
    const tail = [
      '[    7.51] Kernel panic - not syncing: sysrq triggered crash',
      '[    7.51] Call Trace:',
      '[    7.51]  <TASK>',
      '[    7.51]  panic+0x344/0x3a0',
      '[    7.51]  ? _printk+0x64/0x80',
      '[    7.51]  sysrq_handle_crash+0x1a/0x20',
      '[    7.52]  ip_vs_in_hook+0x2a/0x90 [ip_vs]',
      '[    7.52]  </TASK>',
      '[    7.52] RIP: 0033:0x7f026185b350',
    ].join('\n');
    const text = describeGuestEnd({ kind: 'panicked' }, { tail }, 'QEMU with TCG');
    expect(text).toContain('the QEMU with TCG kernel panicked');
    expect(text).toContain('(6 lines of a kernel stack trace)');
    expect(text).toContain('Call Trace:');
    expect(text).toContain('RIP: 0033');
    expect(text).not.toContain('panic+0x344');
  });
});
