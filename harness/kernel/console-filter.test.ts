import { describe, expect, it } from 'vitest';
import { ConsoleFilter } from './console-filter.js';

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
