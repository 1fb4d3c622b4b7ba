// check and up as a user runs them from the host: the kernel is chosen for them (User-Mode
// Linux here, the host's own on a runner with IPVS), the report and exit codes are theirs.
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { file as tempFile } from 'tmp-promise';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/run-cli.js';
import { SEED_TOPOLOGY_FILE } from '../support/topologies.js';

describe('lvs-harness check', () => {
  it("passes the seed's cluster on every assertion, exit 0", async () => {
    const result = await runCli(['check', SEED_TOPOLOGY_FILE], { timeoutMs: 300_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^PASS  round-robin +8 connections, answers took turns: web1 4, web2 4 \(kernel order web2\(w1\), web1\(w1\) on lvs\)$/m);
    expect(result.stdout).toMatch(/^PASS  TUN contract +8 connections: all 5 TUN properties held$/m);
    expect(result.stdout).toMatch(/^PASS  doctor +doctor: none of the known LVS-TUN pitfalls found$/m);
    expect(result.stdout).toContain('result: passed (3 of 3 assertions held)');
  });

  it('fails a director in direct-routing mode on the TUN contract, exit 1, keeping the captures', async () => {
    const broken = await tempFile({ postfix: '.yaml' });
    try {
      const seed = await readFile(SEED_TOPOLOGY_FILE, 'utf8');
      await writeFile(broken.path, seed.replaceAll('forwarding: tunnel', 'forwarding: direct-routing'));
      const result = await runCli(['check', broken.path, '--connections', '4', '--json'], { timeoutMs: 300_000 });
      expect(result.exitCode, result.stderr).toBe(1);
      const report = JSON.parse(result.stdout) as { passed: boolean; verdicts: Array<{ property: string; ok: boolean; message: string }>; captureFolder: string };
      expect(report.passed).toBe(false);
      const contract = report.verdicts.find((verdict) => verdict.property === 'TUN contract')!;
      expect(contract.ok).toBe(false);
      expect(contract.message).toContain('property 2 (IP-in-IP to a real server) failed');
      // Round-robin still holds: the page loads, which is why captures are needed.
      expect(report.verdicts.find((verdict) => verdict.property === 'round-robin')!.ok).toBe(true);
      expect(existsSync(`${report.captureFolder}/lvs-eth0.pcap`)).toBe(true);
      expect(result.stderr).toContain(`the guest's evidence is kept in ${dirname(report.captureFolder)}`);
      await rm(dirname(dirname(report.captureFolder)), { recursive: true, force: true });
    } finally {
      await broken.cleanup();
    }
  });

  it('refuses bad input with exit 2 before building: a missing file, an unknown assertion, no root', async () => {
    const missing = await runCli(['check', '/nonexistent/topology.yaml']);
    expect(missing).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('invalid topology /nonexistent/topology.yaml:\n  (file): cannot read: no such file') });
    const assertion = await runCli(['check', SEED_TOPOLOGY_FILE, '--assert', 'speed']);
    expect(assertion).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('--assert takes distribution, round-robin, tun-contract, doctor, real-server-failover, director-failover; got "speed"') });
    const unprivileged = await runCli(['check', SEED_TOPOLOGY_FILE], { uid: 65534 });
    expect(unprivileged).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('lvs-harness needs root') });
  });
});

describe('lvs-harness up', () => {
  it('runs a command with the cluster up, where the other commands find it, then tears it down', async () => {
    const script = `node ${CLI} request --count 2 && node ${CLI} status | grep -c '^## ' && node ${CLI} doctor`;
    const result = await runCli(['up', SEED_TOPOLOGY_FILE, '--', 'sh', '-c', script], { timeoutMs: 300_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/192\.168\.73\.50:\d+\s+this is web\d/);
    expect(result.stdout).toMatch(/^4$/m);
    expect(result.stdout).toContain('none of the known LVS-TUN pitfalls');
    expect(result.stderr).toMatch(/tore down run [0-9a-f]{8}/);
  });
});
