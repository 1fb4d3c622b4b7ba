// The commands of a bug reproduction, run as a user runs them (child processes, output and
// exit codes checked) on a kernel that can host the cluster: up leaves it running, the other
// commands find it, down removes it. Signals to a running check tear down what it built, and
// after a SIGKILL, gc removes exactly the dead run's leftovers, never a live run's.
import { execa } from 'execa';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../harness/library/index.js';
import { asOnACapableHost, CLI, runCli } from './support/run-cli.js';
import { SEED_TOPOLOGY_FILE } from './support/topologies.js';

const env = asOnACapableHost();
const cli = (args: string[], timeoutMs?: number) => runCli(args, { env, timeoutMs });
const namespacesOf = (runId: string) => (existsSync('/run/netns') ? readdirSync('/run/netns').filter((name) => name.startsWith(`lvsh-${runId}-`)) : []);

/** Folders of a run's evidence (captures), wherever this kernel writes them. */
function evidenceOf(runId: string): string[] {
  const root = process.env.LVS_HARNESS_OUTPUT ?? tmpdir();
  return existsSync(root) ? readdirSync(root).filter((name) => name.startsWith(`lvs-harness-${runId}-captures-`)).map((name) => join(root, name)) : [];
}

/**
 * Starts a check of the TUN contract in the background and resolves with its run id once it
 * is capturing: tcpdump has opened its file at all six points. 100 connections keep it
 * capturing long enough for a signal to land in the middle.
 */
async function startCheck() {
  const child = execa(process.execPath, [CLI, 'check', SEED_TOPOLOGY_FILE, '--assert', 'tun-contract', '--connections', '100'], { env, extendEnv: false, reject: false, stdin: 'ignore' });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const runId = await waitFor(
    async () => {
      const id = /created namespaces lvsh-([0-9a-f]{8})--lan/.exec(stderr)?.[1];
      const pcaps = id ? evidenceOf(id).flatMap((folder) => readdirSync(folder).filter((name) => name.endsWith('.pcap'))) : [];
      if (!id || pcaps.length < 6) throw new Error(`not capturing yet (${pcaps.length} of 6 capture files); stderr so far:\n${stderr}`);
      return id;
    },
    { timeoutMs: 60_000, awaiting: 'the background check to build its cluster and start tcpdump at all six points', intervalMs: 20, maxIntervalMs: 20 },
  );
  return { child, runId, stderr: () => stderr };
}

describe('a cluster left up, and the commands that work on it', () => {
  let runId: string;
  beforeAll(async () => {
    const up = await cli(['up', SEED_TOPOLOGY_FILE], 120_000);
    expect(up.exitCode, up.stderr).toBe(0);
    runId = /run ([0-9a-f]{8}) is up/.exec(up.stdout)![1]!;
  });
  afterAll(async () => {
    if (namespacesOf(runId).length > 0) await cli(['down', '--run', runId]);
  });

  it('up returned and left the cluster running, its namespaces there', () => {
    expect(namespacesOf(runId).sort()).toEqual([`lvsh-${runId}--lan`, `lvsh-${runId}-client`, `lvsh-${runId}-lvs`, `lvsh-${runId}-web1`, `lvsh-${runId}-web2`]);
  });

  it('request shows web1 and web2 answering in turn', async () => {
    const result = await cli(['request', '--count', '4']);
    expect(result.exitCode, result.stderr).toBe(0);
    const answers = [...result.stdout.matchAll(/192\.168\.73\.50:\d+\s+(this is web\d)/g)].map((match) => match[1]);
    expect(answers).toHaveLength(4);
    expect(answers[0]).not.toBe(answers[1]);
    expect(answers[0]).toBe(answers[2]);
  });

  it('status shows the IPVS table with counters, and every host', async () => {
    const result = await cli(['status']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/TCP\s+192\.168\.73\.120:80\s+\d+\s+\d+/);
    expect(result.stdout).toMatch(/-> 192\.168\.73\.110:80\s+\d+/);
    for (const host of ['client', 'lvs', 'web1', 'web2']) expect(result.stdout).toContain(`## ${host} (`);
  });

  it('exec runs a command in a host, and names the hosts when asked for one that is not there', async () => {
    const result = await cli(['exec', 'web1', '--', 'sysctl', '-n', 'net.ipv4.conf.tunl0.rp_filter']);
    expect(result).toMatchObject({ exitCode: 0, stdout: '0' });
    const missing = await cli(['exec', 'web9', '--', 'true']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('has no host "web9" (hosts: client, lvs, web1, web2)');
  });

  it('doctor finds nothing, then the broken rp_filter, with the fix; request then fails with exit 1', async () => {
    expect(await cli(['doctor'])).toMatchObject({ exitCode: 0, stdout: expect.stringContaining('none of the known LVS-TUN pitfalls') });
    await cli(['exec', 'web2', '--', 'sysctl', '-w', 'net.ipv4.conf.tunl0.rp_filter=1']);
    try {
      const doctor = await cli(['doctor']);
      expect(doctor.exitCode).toBe(1);
      expect(doctor.stdout).toContain('doctor: rp-filter-on-tunl0 on web2');
      expect(doctor.stdout).toContain(`fix: ip netns exec lvsh-${runId}-web2 sysctl -w net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0`);
      const request = await cli(['request', '--count', '2']);
      expect(request.exitCode).toBe(1);
      expect(request.stdout).toContain('FAILED');
    } finally {
      await cli(['exec', 'web2', '--', 'sysctl', '-w', 'net.ipv4.conf.tunl0.rp_filter=0']);
    }
  });

  it("capture shows the decapsulated request on web1's tunl0", async () => {
    const capture = execa(process.execPath, [CLI, 'capture', 'web1', 'tunl0', '--', '-c', '1', 'tcp[tcpflags] & tcp-syn != 0'], { env, extendEnv: false, reject: false, stdin: 'ignore' });
    let stderr = '';
    capture.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(async () => {
      if (!/listening on tunl0/.test(stderr)) throw new Error(`tcpdump said: ${stderr}`);
    }, { timeoutMs: 30_000, awaiting: 'tcpdump on web1:tunl0 to listen' });
    await cli(['request', '--count', '2']);
    const result = await capture;
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toMatch(/192\.168\.73\.50\.\d+ > 192\.168\.73\.120\.80: Flags \[S\]/);
  });

  it('bundle writes one archive with the replay script and every host\'s state', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'bundle-test-'));
    try {
      const result = await cli(['bundle', join(folder, 'live.tar.gz')]);
      expect(result.exitCode, result.stderr).toBe(0);
      const { stdout } = await execa('tar', ['-tzf', join(folder, 'live.tar.gz')]);
      for (const entry of ['commands.sh', 'teardown.sh', 'state/lvs.txt', 'state/web1.txt', 'versions.txt', 'logs/http-web1.log', 'native/http-server', 'native/netns-sysctl', 'agents/http-server.c']) {
        expect(stdout).toContain(`lvs-harness-${runId}/${entry}`);
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('gc leaves a live run alone', async () => {
    const result = await cli(['gc', '--dry-run', '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).namespaces.filter((name: string) => name.includes(runId))).toEqual([]);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s to a running check tears down what it built, and exits %i', async (signal, code) => {
    const check = await startCheck();
    expect(namespacesOf(check.runId).length).toBe(5);
    check.child.kill(signal);
    const result = await check.child;
    expect(result.exitCode).toBe(code);
    expect(check.stderr()).toContain(`${signal}: tearing down what this run built`);
    expect(result.stdout, 'a report: the check ended before the signal').toBe('');
    expect(namespacesOf(check.runId)).toEqual([]);
    expect(readdirSync(tmpdir()).filter((name) => name.includes(check.runId))).toEqual([]);
    expect(evidenceOf(check.runId), 'the unfinished capture').toEqual([]);
  });

  it('after SIGKILL to a check, gc removes exactly the dead run\'s leftovers, and the live run keeps working', async () => {
    const check = await startCheck();
    check.child.kill('SIGKILL');
    await check.child;
    expect(namespacesOf(check.runId).length).toBe(5);
    expect(evidenceOf(check.runId).length, 'the dead run\'s unfinished capture').toBe(1);
    const gc = await cli(['gc', '--json']);
    expect(gc.exitCode, gc.stderr).toBe(0);
    const removed = JSON.parse(gc.stdout) as { namespaces: string[]; runIds: string[]; processes: number[] };
    expect(removed.namespaces.sort()).toEqual([`lvsh-${check.runId}--lan`, `lvsh-${check.runId}-client`, `lvsh-${check.runId}-lvs`, `lvsh-${check.runId}-web1`, `lvsh-${check.runId}-web2`]);
    expect(removed.runIds).toEqual([check.runId]);
    expect(removed.processes.length).toBeGreaterThan(0);
    expect(namespacesOf(check.runId)).toEqual([]);
    expect(evidenceOf(check.runId), 'the dead run\'s unfinished capture').toEqual([]);
    expect(namespacesOf(runId).length).toBe(5);
    expect((await cli(['request', '--count', '2'])).exitCode).toBe(0);
  });

  it('down removes the cluster; then the commands say there is none', async () => {
    const result = await cli(['down']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(namespacesOf(runId)).toEqual([]);
    const after = await cli(['request']);
    expect(after.exitCode).toBe(2);
    expect(after.stderr).toContain('no live cluster: start one with lvs-harness up FILE');
  });
});
