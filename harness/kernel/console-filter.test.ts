import { describe, expect, it } from 'vitest';
import { ConsoleFilter, InteractiveConsoleFilter } from './console-filter.js';

describe('the console filter', () => {
  it('passes the command output and init notes, and drops the kernel chatter around them', () => {
    let out = '';
    const filter = new ConsoleFilter((text) => (out += text));
    filter.accept('mmapper_init - find_iomem failed\nlvs-harness guest: modules that did not load: x\n@@lvs-harness-guest:comm');
    filter.accept('and-start@@\nhello ');
    filter.accept('world\n');
    filter.accept('\u001b[?25h@@lvs-harness-guest:command-end@@\nPowering off.\nreboot: System halted\n');
    expect(out).toBe('lvs-harness guest: modules that did not load: x\nhello world\n\u001b[?25h\n');
  });
});

describe('the interactive console filter', () => {
  it('drops the boot, then passes partial lines (a prompt) as they come, up to the end marker', () => {
    const written: string[] = [];
    const filter = new InteractiveConsoleFilter((text) => written.push(text));
    filter.accept('Failed to initialize ubd device 0\r\n@@lvs-harness-guest:command-');
    filter.accept('start@@\r\nroot@(none):/# ');
    filter.accept('ls\r\n');
    filter.accept('a b\r\n@@lvs-harness-guest:command-end@@\r\nPowering off.\r\n');
    expect(written).toEqual(['root@(none):/# ', 'ls\r\n', 'a b\r\n']);
  });

  it('an end marker split across chunks is held back, not shown, and still ends the command', () => {
    const written: string[] = [];
    const filter = new InteractiveConsoleFilter((text) => written.push(text));
    filter.accept('@@lvs-harness-guest:command-start@@\r\nexit\r\n@@lvs-harness-gu');
    filter.accept('est:command-end@@\r\nPowering off.\r\n');
    filter.accept('reboot: System halted\r\n');
    expect(written).toEqual(['exit\r\n']);
  });

  it('a held tail that is not the marker after all is shown with the next chunk', () => {
    const written: string[] = [];
    const filter = new InteractiveConsoleFilter((text) => written.push(text));
    filter.accept('@@lvs-harness-guest:command-start@@\nmail me@');
    filter.accept('example.org\n');
    expect(written.join('')).toBe('mail me@example.org\n');
  });
});
