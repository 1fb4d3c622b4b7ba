// The QEMU backend as a user meets it: `check --kernel debian:6.12` fetches Debian's newest
// 6.12 image (once, cached), boots it in QEMU (KVM where the probe shows it works, TCG
// otherwise), runs the seed's check in it through the same path as on any capable kernel,
// and leaves no guest and no exchange folder behind. `lvs-harness kernel` lists every
// placement with whether it works here. One QEMU boot for the check (and one probe boot per
// accelerator, cached per machine): the full matrix over Debian's kernels is
// `npm run test:matrix`.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { EXCHANGE_ROOT } from '../../harness/kernel/guest-exchange-garbage.js';
import { runCli, orphanedUmlProcesses } from '../support/run-cli.js';
import { SEED_TOPOLOGY_FILE } from '../support/topologies.js';

const KERNEL = 'debian:6.12';

function exchangeFolders(): string[] {
  return existsSync(EXCHANGE_ROOT) ? readdirSync(EXCHANGE_ROOT).filter((name) => name.startsWith('vm-')) : [];
}

describe('the QEMU backend', () => {
  it('lists every placement in the order tried, each with whether it works here and why', async () => {
    const result = await runCli(['kernel', '--kernel', KERNEL], { timeoutMs: 15 * 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const rows = (result.stdout.split('placements, in the order tried:\n')[1] ?? '').split('\n').filter((row) => row.trim() !== '');
    expect(rows.map((row) => row.trim().split(/\s+/)[0])).toEqual(['host', 'qemu-kvm', 'uml', 'qemu-tcg']);
    for (const row of rows) expect(row).toMatch(/^\s+\S+\s+(chosen|works|cannot)\s+\S.*: \S/);
    // --kernel debian:6.12 allows only the QEMU placements: one of them is chosen, with the kernel's release.
    expect(rows.filter((row) => /\schosen\s/.test(row))).toEqual([expect.stringMatching(/^\s+qemu-(kvm|tcg)\s+chosen\s+QEMU with (KVM|TCG): .*6\.12\./)]);
    expect(result.stdout).toMatch(/Debian linux-image-6\.12\.\d+\+deb\d+-amd64/);
  });

  it('refuses a --kernel that names nothing, and a series the archive lacks, with exit 2 before building', async () => {
    const unnamed = await runCli(['check', SEED_TOPOLOGY_FILE, '--kernel', 'debian:latest']);
    expect(unnamed.exitCode).toBe(2);
    expect(unnamed.stderr).toContain('check: --kernel debian:latest: after debian: comes a series (6.1, 6.12) or a release');
    const absent = await runCli(['check', SEED_TOPOLOGY_FILE, '--kernel', 'debian:2.6'], { timeoutMs: 10 * 60_000 });
    expect(absent.exitCode).toBe(2);
    expect(absent.stderr).toMatch(/qemu-tcg: no kernel to boot: debian:2\.6: the package archive has no linux-image-2\.6\.\*-amd64 \(it has the series [^)]*6\.1[^)]*\)/);
    expect(absent.stderr).not.toContain('building seed-tun');
  });

  it("runs the seed's check in Debian's 6.12 and leaves no guest behind", async () => {
    const before = exchangeFolders();
    const result = await runCli(['check', SEED_TOPOLOGY_FILE, '--kernel', KERNEL, '--json'], { timeoutMs: 15 * 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { kernel: string; passed: boolean; verdicts: Array<{ property: string; ok: boolean }> };
    expect(report.kernel).toMatch(/^QEMU with (KVM|TCG) 6\.12\.\d+\+deb\d+-amd64$/);
    expect(report.verdicts.map((verdict) => [verdict.property, verdict.ok])).toEqual([
      ['round-robin', true],
      ['TUN contract', true],
      ['doctor', true],
    ]);
    expect(result.stderr).toMatch(/kernel: --kernel debian:6\.12: clusters are built inside QEMU with (KVM|TCG), kernel 6\.12\./);
    expect(await orphanedUmlProcesses()).toEqual([]);
    expect(exchangeFolders().filter((name) => !before.includes(name))).toEqual([]);
  });
});
