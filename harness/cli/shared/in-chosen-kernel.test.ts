import { describe, expect, it } from 'vitest';
import type { KernelChoice } from '../../kernel/choose-kernel.js';
import { guestSettings } from './guest-options.js';
import { guestJobFor } from './in-chosen-kernel.js';

const choice = {
  kind: 'guest',
  placement: 'uml',
  kernelPath: '/opt/uml/linux-6.1',
  reason: 'test',
} as Extract<KernelChoice, { kind: 'guest' }>;

describe('rerunning a command in the chosen guest', () => {
  it('boots the kernel the choice probed when the user named none (the options leave kernel undefined)', () => {
    const settings = guestSettings('check', {});
    expect('kernel' in settings && settings.kernel === undefined).toBe(true);
    expect(guestJobFor(['node', 'main.js', 'check'], settings, choice).kernel).toBe('/opt/uml/linux-6.1');
  });

  it("boots the user's --kernel when named, and shares the topology file and the writable folders", () => {
    const settings = { ...guestSettings('check', { kernel: '/srv/linux.uml', writable: ['/var/tmp/out'] }), extraMounts: ['/tmp/topology.yaml'] };
    const job = guestJobFor(['node', 'main.js', 'check'], settings, choice);
    expect(job.kernel).toBe('/srv/linux.uml');
    expect(job.shares).toEqual({ read: ['/tmp/topology.yaml'], write: ['/var/tmp/out'] });
    expect(job.memoryMb).toBe(2048);
  });
});
