// The kernel matrix as a maintainer runs it before a release (`npm run test:matrix`): the
// same checks in Debian's 6.1 and 6.12, booted in QEMU, one `check --kernel ... --kernel ...`
// each. Correct clusters pass in both kernels; a broken one fails in both, each column naming
// the property that broke. Not part of `npm test` (four matrices of two QEMU boots each):
// `npm test` boots QEMU once (suites/host/qemu-backend.test.ts).
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../harness/package-root.js';
import type { KernelMatrixJson } from '../../harness/checks/kernel-matrix.js';
import { runCli } from '../support/run-cli.js';

const KERNELS = ['debian:6.1', 'debian:6.12'];

async function matrix(file: string, extra: string[] = []): Promise<{ exitCode: number; json: KernelMatrixJson; stderr: string }> {
  const result = await runCli(['check', file, ...KERNELS.flatMap((kernel) => ['--kernel', kernel]), '--json', ...extra], { timeoutMs: 20 * 60_000 });
  return { exitCode: result.exitCode, json: JSON.parse(result.stdout) as KernelMatrixJson, stderr: result.stderr };
}

function columnsOf(json: KernelMatrixJson) {
  return json.kernels.map((column) => ({
    kernel: column.kernel,
    release: column.report?.kernel,
    verdicts: Object.fromEntries((column.report?.verdicts ?? []).map((verdict) => [verdict.property, verdict.ok])),
  }));
}

describe('the kernel matrix over Debian 6.1 and 6.12', () => {
  it("passes the seed's check in both kernels, each column with its release", async () => {
    const { exitCode, json, stderr } = await matrix(packagePath('fixtures', 'topologies', 'seed-tun.yaml'));
    expect(exitCode, stderr).toBe(0);
    expect(json.passed).toBe(true);
    const columns = columnsOf(json);
    expect(columns.map((column) => column.kernel)).toEqual(KERNELS);
    expect(columns[0]!.release).toMatch(/^QEMU with (KVM|TCG) 6\.1\.0-\d+-amd64$/);
    expect(columns[1]!.release).toMatch(/^QEMU with (KVM|TCG) 6\.12\.\d+\+deb\d+-amd64$/);
    for (const column of columns) expect(column.verdicts).toEqual({ 'round-robin': true, 'TUN contract': true, doctor: true });
  });

  it('passes the keepalived-configured seed in both kernels', async () => {
    const { exitCode, json, stderr } = await matrix(packagePath('fixtures', 'topologies', 'seed-keepalived.yaml'));
    expect(exitCode, stderr).toBe(0);
    for (const column of columnsOf(json)) expect(Object.values(column.verdicts).every(Boolean), JSON.stringify(column)).toBe(true);
  });

  it("fails a real server's strict rp_filter in both kernels, the doctor naming it", async () => {
    const { exitCode, json } = await matrix(packagePath('fixtures', 'topologies', 'broken', 'rp-filter-strict.yaml'));
    expect(exitCode).toBe(1);
    expect(json.passed).toBe(false);
    for (const column of json.kernels) {
      expect(column.report?.passed, column.kernel).toBe(false);
      expect(column.report?.verdicts.find((verdict) => verdict.property === 'doctor')?.ok, column.kernel).toBe(false);
      expect(column.report?.findings.map((finding) => finding.pitfall).join(' '), column.kernel).toMatch(/rp.?filter/i);
    }
  });

  it('fails a real server whose tunl0 is down in both kernels, the TUN contract naming the broken property', async () => {
    const { exitCode, json } = await matrix(packagePath('fixtures', 'topologies', 'broken', 'tunl0-down.yaml'));
    expect(exitCode).toBe(1);
    for (const column of json.kernels) {
      const contract = column.report?.verdicts.find((verdict) => verdict.property === 'TUN contract');
      expect(contract?.ok, column.kernel).toBe(false);
      expect(contract?.message, column.kernel).toMatch(/tunnel|tunl0|decapsulat/i);
    }
  });
});
