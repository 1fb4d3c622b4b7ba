// The user's own tool in charge: a director's rules from a script or from keepalived with a
// keepalived.conf written by hand, a real server's tunnel side from a script. A correct one
// passes every assertion; one that is wrong the way such tools are wrong (a real server left
// out, the wrong forwarding method, rp_filter left strict, a daemon that dies) fails with the
// property named.
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { asOnACapableHost, runCli } from './support/run-cli.js';
import { buildCluster, CommandError, parseTopologyText, runChecks, waitFor, type CheckReport } from '../harness/library/index.js';
import { processesInNamespaces } from '../harness/process/namespace-processes.js';
import { namespaceOf, newRunId } from '../harness/plan/cluster-plan.js';
import { leftoversOf } from './support/leftovers.js';

const env = asOnACapableHost();
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/configurators/${name}.yaml`, import.meta.url));

async function check(file: string): Promise<{ exitCode: number; report: CheckReport; stderr: string }> {
  const result = await runCli(['check', file, '--json'], { env, timeoutMs: 170_000 });
  const start = result.stdout.indexOf('{');
  expect(start, `check printed no JSON report (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`).toBeGreaterThanOrEqual(0);
  return { exitCode: result.exitCode, report: JSON.parse(result.stdout.slice(start)) as CheckReport, stderr: result.stderr };
}

const failing = (report: CheckReport) => report.verdicts.filter((verdict) => !verdict.ok).map((verdict) => verdict.property);
const verdict = (report: CheckReport, property: string) => report.verdicts.find((entry) => entry.property === property)?.message ?? '';

/** The seed's cluster with this configurator on the director: a topology in code, as a suite writes one. */
function seedWithDirectorConfigurator(configurator: Record<string, unknown>): string {
  return stringify({
    name: 'seed-configured',
    segment: { subnet: '192.168.73.0/24' },
    hosts: {
      client: { role: 'client', address: '192.168.73.50' },
      lvs: { role: 'director', address: '192.168.73.100', configurator },
      web1: { role: 'real-server', address: '192.168.73.110' },
      web2: { role: 'real-server', address: '192.168.73.111' },
    },
    service: { vip: '192.168.73.120', port: 80, scheduler: 'rr', realServers: [{ host: 'web1' }, { host: 'web2' }] },
  });
}

// A daemon that loads the table from the contract's variables, then stays, as a controller does.
const LOAD_THEN_STAY =
  'ipvsadm -A -t "$LVS_HARNESS_VIP:$LVS_HARNESS_PORT" -s "$LVS_HARNESS_SCHEDULER" && ' +
  'for s in $LVS_HARNESS_REAL_SERVERS; do ipvsadm -a -t "$LVS_HARNESS_VIP:$LVS_HARNESS_PORT" -r "${s%%:*}:$LVS_HARNESS_PORT" -i; done && ' +
  'echo configured && exec tail -f /dev/null';

// The checks at once: each is a command with a cluster of its own, and a wrong one mostly waits
// (for a table that never settles, for connections that get no answer).
describe.concurrent('configurators that do their job pass every assertion', () => {
  it.each(['script-director', 'own-keepalived', 'script-real-servers'])('%s: exit 0, no assertion failing', async (name) => {
    const { exitCode, report, stderr } = await check(fixture(name));
    expect(failing(report), stderr).toEqual([]);
    expect(exitCode, stderr).toBe(0);
    expect(report.verdicts.map((entry) => entry.property)).toEqual(['round-robin', 'TUN contract', 'doctor']);
  });
});

describe.concurrent('configurators that are wrong fail with the property named', () => {
  it('a script that leaves web2 out: the cluster never settles, and the table read last is shown with the difference', async () => {
    const { exitCode, report } = await check(fixture('script-director-leaves-out-web2'));
    expect(exitCode).toBe(1);
    expect(failing(report)).toEqual(['cluster settled', 'round-robin', 'doctor']);
    expect(verdict(report, 'cluster settled')).toMatch(/missing: +-a -t 192\.168\.73\.120:80 -r 192\.168\.73\.111:80 -i -w 1 +\(web2\)/);
    expect(verdict(report, 'cluster settled')).toMatch(/the table read last:\n +-A -t 192\.168\.73\.120:80 -s rr\n +-a -t 192\.168\.73\.120:80 -r 192\.168\.73\.110:80 -i -w 1$/m);
    expect(report.findings.map((finding) => `${finding.pitfall}@${finding.host}`)).toEqual(['ipvs-table-differs@lvs']);
  });

  it('a script that forwards by direct routing where the topology declares no table: balanced, but the TUN contract fails', async () => {
    const { exitCode, report } = await check(fixture('script-director-direct-routing'));
    expect(exitCode).toBe(1);
    expect(failing(report)).toEqual(['TUN contract']);
  });

  it("a real-server script that leaves rp_filter strict: the doctor names it on each real server", async () => {
    const { exitCode, report } = await check(fixture('script-real-servers-rp-filter'));
    expect(exitCode).toBe(1);
    expect(failing(report)).toEqual(['round-robin', 'TUN contract', 'doctor']);
    expect(report.findings.map((finding) => `${finding.pitfall}@${finding.host}`)).toEqual(['rp-filter-on-tunl0@web1', 'rp-filter-on-tunl0@web2']);
  });

  it('a daemon that exits before the table is right: the check fails with its exit code and its last words', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'lvs-harness-configurator-'));
    try {
      const file = join(folder, 'gives-up.yaml');
      await writeFile(file, seedWithDirectorConfigurator({ run: ['sh', '-c', 'echo "no API server to watch"; exit 3'], daemon: true, timeout: 10 }));
      const { exitCode, report } = await check(file);
      expect(exitCode).toBe(1);
      expect(failing(report)[0]).toBe('cluster settled');
      expect(verdict(report, 'cluster settled')).toMatch(/the configurator on lvs exited with code 3 before the IPVS table of lvs/);
      expect(verdict(report, 'cluster settled')).toContain('no API server to watch');
      // Reported once, as the build saw it, not again as a daemon that died later.
      expect(failing(report)).not.toContain('configurator running');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('a configurator daemon that dies while the cluster is up', () => {
  it('fails the check as "configurator running", with its last words, though every other assertion holds', async () => {
    const topology = parseTopologyText(seedWithDirectorConfigurator({ run: ['sh', '-c', LOAD_THEN_STAY], daemon: true }), '(configurator suite)');
    await using cluster = await buildCluster(topology);
    const before = await runChecks(cluster, { assertions: ['round-robin'] });
    expect(failing(before)).toEqual([]);
    // The daemon is the director namespace's `tail -f /dev/null` (sh exec'd it): killed from outside.
    const namespace = namespaceOf(cluster.plan, 'lvs');
    const pids = (await processesInNamespaces([namespace])).get(namespace) ?? [];
    const daemon = [];
    for (const pid of pids) if ((await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).startsWith('tail\0-f\0/dev/null')) daemon.push(pid);
    expect(daemon, `the director's processes: ${pids.join(', ')}`).toHaveLength(1);
    process.kill(daemon[0]!, 'SIGKILL');
    await waitFor(
      async () => {
        if ((await cluster.exitedConfigurators()).length === 0) throw new Error('it still runs');
      },
      { timeoutMs: 10_000, awaiting: 'the configurator daemon on lvs to be seen gone after SIGKILL' },
    );
    const after = await runChecks(cluster, { assertions: ['round-robin'] });
    expect(failing(after)).toEqual(['configurator running']);
    expect(verdict(after, 'configurator running')).toMatch(/^the configurator on lvs exited while the cluster was up; its last words:\n +configured/);
  });
});

describe('a build whose configurators fail partway', () => {
  it('waits for a daemon\'s ready line, reports a failing script with its stdout, and leaves nothing behind, the daemon included', async () => {
    const runId = newRunId();
    // web1's daemon names the run in its command line, so a survivor would be seen.
    const topology = parseTopologyText(
      stringify({
        name: 'half-configured',
        segment: { subnet: '192.168.73.0/24' },
        hosts: {
          client: { role: 'client', address: '192.168.73.50' },
          lvs: { role: 'director', address: '192.168.73.100' },
          web1: { role: 'real-server', address: '192.168.73.110', configurator: { run: ['sh', '-c', 'echo configured tunl0; echo ready; while :; do sleep 1; done', `web1-agent-${runId}`], daemon: true, ready: '^ready$', sets: ['sysctls'] } },
          web2: { role: 'real-server', address: '192.168.73.111', configurator: { run: ['sh', '-c', 'echo "cannot find module ipip"; exit 5'], sets: ['sysctls'] } },
        },
        service: { vip: '192.168.73.120', realServers: [{ host: 'web1' }, { host: 'web2' }] },
      }),
      '(configurator suite)',
    );
    const failure = await buildCluster(topology, { runId }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CommandError);
    expect((failure as CommandError).netns).toBe(`lvsh-${runId}-web2`);
    expect((failure as Error).message).toMatch(/exited with code 5[\s\S]*cannot find module ipip/);
    expect(leftoversOf(runId)).toEqual([]);
  });
});
