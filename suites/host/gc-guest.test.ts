// A command killed with SIGKILL (a CI runner's timeout, the OOM killer) while its guest boots,
// builds or checks leaves a guest exchange folder; `gc` removes it, with any kernel still
// running for it, and leaves a live guest's folder and kernel alone.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../harness/library/index.js';
import { EXCHANGE_ROOT, guestKernelsByFolder } from '../../harness/kernel/guest-exchange-garbage.js';
import { CLI, runCli } from '../support/run-cli.js';
import { SEED_TOPOLOGY_FILE } from '../support/topologies.js';

/** The exchange folder a process made (its owner.json names it). */
function exchangeOwnedBy(pid: number): string | undefined {
  if (!existsSync(EXCHANGE_ROOT)) return undefined;
  return readdirSync(EXCHANGE_ROOT)
    .filter((name) => name.startsWith('vm-'))
    .map((name) => join(EXCHANGE_ROOT, name))
    .find((folder) => {
      try {
        return JSON.parse(readFileSync(join(folder, 'owner.json'), 'utf8')).pid === pid;
      } catch {
        return false;
      }
    });
}

/** Host processes of the kernel booted for this folder. */
async function kernelsFor(folder: string): Promise<number[]> {
  return (await guestKernelsByFolder()).get(folder) ?? [];
}

describe('gc after a SIGKILL', () => {
  it.each([
    ['its guest boots', /kernel: .*clusters are built inside User-Mode Linux/],
    ['the build', /created namespaces/],
    ['the check', /TUN contract: .*captur/],
  ])('during %s: no kernel and no exchange folder left', async (_phase, moment) => {
    const child = execa(process.execPath, [CLI, 'check', SEED_TOPOLOGY_FILE], { reject: false, stdin: 'ignore', env: { ...process.env, LVS_HARNESS_KERNEL: 'uml' } });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const folder = await waitFor(
      async () => {
        const found = exchangeOwnedBy(child.pid!);
        if (!found || !moment.test(stderr)) throw new Error(`not there yet; stderr so far:\n${stderr}`);
        return found;
      },
      { timeoutMs: 120_000, awaiting: `check to reach ${moment}` },
    );
    child.kill('SIGKILL');
    await child;
    const gc = await runCli(['gc']);
    expect(gc.exitCode, gc.stderr).toBe(0);
    await waitFor(
      async () => {
        const kernels = await kernelsFor(folder);
        if (kernels.length > 0) throw new Error(`kernel processes ${kernels.join(', ')} still run`);
      },
      { timeoutMs: 20_000, awaiting: `the killed check's User-Mode Linux kernel to be gone` },
    );
    expect(existsSync(folder)).toBe(false);
  });

  it("leaves a live guest's folder and kernel alone", async () => {
    const child = execa(process.execPath, [CLI, 'vm', '--', 'sh', '-c', 'echo ready; sleep 600'], { reject: false, stdin: 'ignore' });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await waitFor(
        async () => {
          if (!stdout.includes('ready')) throw new Error('the guest has not started the command yet');
        },
        { timeoutMs: 60_000, awaiting: 'the guest to print ready' },
      );
      const folder = exchangeOwnedBy(child.pid!)!;
      const gc = await runCli(['gc', '--json']);
      expect(JSON.parse(gc.stdout)).toMatchObject({ exchangeFolders: [], guestKernels: [] });
      expect(existsSync(folder)).toBe(true);
      expect((await kernelsFor(folder)).length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
      await child;
    }
  });
});
