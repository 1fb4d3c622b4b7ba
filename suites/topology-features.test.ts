// What a bug report's topology can say, built for real: real servers from a count, a smaller
// MTU and a delay on the client's link, a sysctl override and an extra command on the
// director, padded responses; and check's assertions hold on it.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTopologyFile, runChecks } from '../harness/library/index.js';
import { seedTopology, withHost } from './support/topologies.js';
import { useCluster } from './support/use-cluster.js';

const FEATURES = fileURLToPath(new URL('../fixtures/topologies/features.yaml', import.meta.url));

describe('a topology with generated real servers, MTU, netem, overrides and commands', () => {
  const cluster = useCluster(() => loadTopologyFile(FEATURES));

  it("applies the client's MTU and delay, and the director's sysctl override and command", async () => {
    const link = JSON.parse((await cluster().exec('client', ['ip', '-j', 'link', 'show', 'eth0'])).stdout)[0];
    expect(link.mtu).toBe(1400);
    expect((await cluster().exec('client', ['tc', 'qdisc', 'show', 'dev', 'eth0'])).stdout).toMatch(/qdisc netem .* delay 5ms/);
    expect((await cluster().exec('lvs', ['sysctl', '-n', 'net.ipv4.conf.all.log_martians'])).stdout.trim()).toBe('1');
    expect(JSON.parse((await cluster().exec('lvs', ['ip', '-j', 'link', 'show', 'eth0'])).stdout)[0].txqlen).toBe(500);
  });

  it("passes the file's assertions over three generated real servers", async () => {
    const report = await runChecks(cluster(), { connections: 6 });
    expect(report.verdicts.map((verdict) => [verdict.property, verdict.ok])).toEqual([
      ['distribution (wrr)', true],
      ['TUN contract', true],
      ['doctor', true],
    ]);
    expect(report.verdicts[0]!.message).toContain('web1 2, web2 2, web3 2');
  });
});

describe('padded responses', () => {
  const cluster = useCluster(async () =>
    withHost(await seedTopology(), 'web1', (host) => ({ http: { ...host.http!, bodySize: 20_000 } })),
  );

  it('web1 answers with a 20000-byte body, its name first, and round-robin still tells who answered', async () => {
    const outcomes = await cluster().request({ count: 4 });
    const fromWeb1 = outcomes.filter((outcome) => outcome.body?.startsWith('this is web1'));
    expect(fromWeb1).toHaveLength(2);
    expect(fromWeb1.every((outcome) => Buffer.byteLength(outcome.body!) === 20_000)).toBe(true);
    const report = await runChecks(cluster(), { assertions: ['round-robin'], connections: 4 });
    expect(report.passed).toBe(true);
  });
});
