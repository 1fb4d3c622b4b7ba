import { describe, expect, it } from 'vitest';
import type { KernelChoice } from '../../kernel/choose-kernel.js';
import { UsageError } from './exit-codes.js';
import { guestSettings, guestSettingsPerKernel } from './guest-options.js';
import { guestJobFor } from './in-chosen-kernel.js';

const choice = {
  kind: 'guest',
  placement: 'qemu-tcg',
  kernelPath: '/var/tmp/lvs-harness/kernels/6.12.117+deb12-amd64/root/boot/vmlinuz-6.12.117+deb12-amd64',
  modulesDir: '/var/tmp/lvs-harness/kernels/6.12.117+deb12-amd64/root/lib/modules/6.12.117+deb12-amd64',
  reason: 'test',
} as Extract<KernelChoice, { kind: 'guest' }>;

describe('rerunning a command in the chosen guest', () => {
  it('boots the kernel and modules the choice proved', () => {
    const job = guestJobFor(['node', 'main.js', 'check'], guestSettings('check', {}), choice);
    expect(job.kernel).toBe(choice.kernelPath);
    expect(job.modulesDir).toBe(choice.modulesDir);
  });

  it("takes the user's --modules over the choice's, and shares the topology file and the writable folders", () => {
    const settings = { ...guestSettings('check', { kernel: ['debian:6.12'], modules: '/srv/modules/6.12.1', writable: ['/var/tmp/out'] }), extraMounts: ['/tmp/topology.yaml'] };
    expect(settings.kernelName).toEqual({ kind: 'debian', series: '6.12' });
    const job = guestJobFor(['node', 'main.js', 'check'], settings, choice);
    expect(job.modulesDir).toBe('/srv/modules/6.12.1');
    expect(job.shares).toEqual({ read: ['/tmp/topology.yaml'], write: ['/var/tmp/out'] });
    expect(job.memoryMb).toBe(2048);
  });

  it('refuses a --kernel that names nothing, and a second --kernel where only check runs a matrix', () => {
    expect(() => guestSettings('up', { kernel: ['debian:latest'] })).toThrow(UsageError);
    expect(() => guestSettings('up', { kernel: ['/nonexistent/bzImage'] })).toThrow(/up: --kernel \/nonexistent\/bzImage: no such file/);
    expect(() => guestSettings('up', { kernel: ['debian:6.1', 'debian:6.12'] })).toThrow(/up: takes one --kernel/);
    const { kernels } = guestSettingsPerKernel('check', { kernel: ['debian:6.1', 'uml', 'host'] });
    expect(kernels.map((kernel) => kernel.name.kind)).toEqual(['debian', 'uml', 'host']);
  });
});
