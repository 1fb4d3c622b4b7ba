// check and up as a user runs them from the host: the kernel is chosen for them (User-Mode
// Linux here, the host's own on a runner with IPVS), the report and exit codes are theirs.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { dir as tempDir, file as tempFile } from 'tmp-promise';
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

  it('fails a director in direct-routing mode on the TUN contract, exit 1, keeping the captures; the JUnit file says the same', async () => {
    const broken = await tempFile({ postfix: '.yaml' });
    const reports = await tempDir({ unsafeCleanup: true });
    try {
      const seed = await readFile(SEED_TOPOLOGY_FILE, 'utf8');
      await writeFile(broken.path, seed.replaceAll('forwarding: tunnel', 'forwarding: direct-routing'));
      const junit = join(reports.path, 'check.xml');
      const result = await runCli(['check', broken.path, '--connections', '4', '--json', '--junit', junit], { timeoutMs: 300_000 });
      expect(result.exitCode, result.stderr).toBe(1);
      const report = JSON.parse(result.stdout) as { schemaVersion: number; passed: boolean; verdicts: Array<{ property: string; ok: boolean; message: string }>; captureFolder: string };
      expect(report.schemaVersion).toBe(1);
      expect(report.passed).toBe(false);
      // Written from inside the guest, where the host's files are read-only but for the folders check writes into.
      const xml = await readFile(junit, 'utf8');
      const cases = [...xml.matchAll(/<testcase name="([^"]*)" classname="seed-tun">\n\s*<(failure|system-out)/g)].map((match) => `${match[1]}: ${match[2]}`);
      expect(cases).toEqual(['round-robin: system-out', 'TUN contract: failure', 'doctor: system-out']);
      expect(xml).toContain('<testsuite name="lvs-harness check: seed-tun" tests="3" failures="1"');
      expect(xml).toMatch(/<failure message="[^"]*" type="assertion failed">[^<]*property 2 \(IP-in-IP to a real server\) failed/);
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
      await reports.cleanup();
    }
  });

  it('refuses a --junit file it could not write with exit 2, naming the path, before building and writing anything', async () => {
    const reports = await tempDir({ unsafeCleanup: true });
    try {
      await writeFile(join(reports.path, 'a-file'), '');
      await mkdir(join(reports.path, 'a-folder'));
      const cases = [
        [join(reports.path, 'missing', 'check.xml'), `its folder ${join(reports.path, 'missing')} does not exist (create it first)`],
        [join(reports.path, 'a-folder'), 'is a folder, not a file'],
        [join(reports.path, 'a-file', 'check.xml'), `${join(reports.path, 'a-file')} is not a folder`],
      ];
      for (const [path, problem] of cases) {
        const result = await runCli(['check', SEED_TOPOLOGY_FILE, '--junit', path!]);
        expect(result, path).toMatchObject({ exitCode: 2, stdout: '', stderr: `lvs-harness check: check: --junit ${path}: ${problem}` });
      }
      expect((await readdir(reports.path)).sort()).toEqual(['a-file', 'a-folder']);
      expect(await readdir(join(reports.path, 'a-folder'))).toEqual([]);
    } finally {
      await reports.cleanup();
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
