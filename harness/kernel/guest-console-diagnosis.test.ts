import { describe, expect, it } from 'vitest';
import { likelyCause, TellingLines } from './guest-console-diagnosis.js';
import { describeGuestEnd } from './guest-end.js';

const AMX_DEATH = [
  'Run /var/tmp/lvs-harness/vm-abc/init.sh as init process',
  'userspace - ptrace set fp regs failed, errno = 14',
  'Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b',
  'CPU: 0 PID: 1 Comm: init.sh Not tainted 6.1.176',
  ...Array.from({ length: 39 }, (_, index) => ` [<6069f4e${index % 10}>] dump_stack_lvl+0x4a/0x58`),
];

describe('the telling lines of a console', () => {
  it('are collected from the whole console, even when a line arrives split over chunks', () => {
    const lines = new TellingLines();
    const text = AMX_DEATH.join('\n');
    const cut = text.indexOf('fp regs') + 3;
    lines.accept(text.slice(0, cut));
    lines.accept(text.slice(cut));
    expect(lines.all()).toEqual(['userspace - ptrace set fp regs failed, errno = 14', 'Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b']);
  });
});

describe('the likely cause of a dead guest', () => {
  const telling = AMX_DEATH.slice(1, 3);

  it('names the large XSAVE state and what to install when the fix could not be built', () => {
    const cause = likelyCause(telling, { used: false, unavailable: 'gcc is not installed (apt-get install -y gcc libc6-dev, or bash scripts/setup.sh)' });
    expect(cause).toContain("the host CPU's XSAVE state is larger than the buffer User-Mode Linux 6.1 restores it from (CPUs with AMX");
    expect(cause).toContain('is not available: gcc is not installed');
    expect(cause).toContain('Install gcc and libc6-dev (apt-get install -y gcc libc6-dev) or run bash scripts/setup.sh');
  });

  it('says so when the fix was in place and did not help', () => {
    expect(likelyCause(telling, { used: true })).toContain('was preloaded into linux.uml and did not help: report this');
  });

  it('names a host that forbids ptrace, and knows nothing of a clean console', () => {
    expect(likelyCause(['userspace - ptrace set regs failed, errno = 1'], { used: true })).toContain('may not ptrace its own processes here (errno 1)');
    expect(likelyCause(['Kernel panic - not syncing: sysrq triggered crash'], { used: true })).toBeUndefined();
  });
});

describe("a dead guest's message", () => {
  it('quotes the last lines with the stack trace summed up, the telling lines from before them, and the cause', () => {
    const message = describeGuestEnd({ kind: 'panicked' }, { tail: AMX_DEATH.slice(3).join('\n'), telling: AMX_DEATH.slice(1, 3), cause: 'the CPU' }, 'User-Mode Linux');
    expect(message).toBe(
      [
        "the User-Mode Linux kernel panicked; the console's last lines:",
        '  | CPU: 0 PID: 1 Comm: init.sh Not tainted 6.1.176',
        '  | (39 lines of a kernel stack trace)',
        'before them, the console said:',
        '  | userspace - ptrace set fp regs failed, errno = 14',
        '  | Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b',
        'likely cause: the CPU',
      ].join('\n'),
    );
  });

  it('does not repeat a telling line that is already among the last ones', () => {
    const message = describeGuestEnd({ kind: 'panicked' }, { tail: AMX_DEATH.slice(0, 3).join('\n'), telling: AMX_DEATH.slice(1, 3) }, 'User-Mode Linux');
    expect(message).not.toContain('before them');
    expect(message.match(/errno = 14/g)).toHaveLength(1);
  });
});
