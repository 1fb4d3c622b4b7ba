// A UDP virtual service (fixtures/topologies/udp-dns.yaml: port 53, wrr, three real servers in
// tunnel mode): check's assertions hold on it, each request a datagram from a port of its own
// and the answer naming its real server; one-packet scheduling spreads one port's datagrams;
// and a real server broken in one way fails the TUN contract for its flows alone.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTopologyFile, runChecks, type Topology } from '../harness/library/index.js';
import { withHost } from './support/topologies.js';
import { useCluster } from './support/use-cluster.js';
import { expectDirectReturnFailsOnlyFor, findingNames } from './support/report-expectations.js';

const UDP_DNS = fileURLToPath(new URL('../fixtures/topologies/udp-dns.yaml', import.meta.url));
// Outside the range the harness picks ports from (10000-29999).
const FIXED_PORT = 31_300;

function withOnePacket(topology: Topology): Topology {
  return { ...topology, service: { ...topology.service, onePacket: true } };
}

describe('a UDP service in tunnel mode', () => {
  const cluster = useCluster(() => loadTopologyFile(UDP_DNS));

  it("passes check's assertions: wrr over the datagrams, all five TUN properties for each flow, no pitfall", async () => {
    const report = await runChecks(cluster(), { connections: 6 });
    expect(report.verdicts.map((verdict) => [verdict.property, verdict.ok])).toEqual([
      ['distribution (wrr)', true],
      ['TUN contract', true],
      ['doctor', true],
    ]);
    expect(report.verdicts[0]!.message).toContain('dns1 2, dns2 2, dns3 2');
    expect(report.connections).toHaveLength(6);
    expect((await cluster().ipvsTable()).split('\n').filter((line) => line.includes('->') && line.includes('Tunnel')).map((line) => line.trim().split(/\s+/).slice(4, 6))).toEqual([
      // UDP flows are never active connections (kubernetes#71514): every entry is counted inactive.
      ['0', expect.stringMatching(/^[1-9]/)],
      ['0', expect.stringMatching(/^[1-9]/)],
      ['0', expect.stringMatching(/^[1-9]/)],
    ]);
  });

  it("sends every datagram of one client port to one real server without one-packet scheduling", async () => {
    const answers = await cluster().request({ count: 4, fromPort: FIXED_PORT });
    expect(answers.every((outcome) => outcome.ok)).toBe(true);
    expect(new Set(answers.map((outcome) => outcome.servedBy)).size).toBe(1);
  });
});

describe('one-packet scheduling (onePacket: ipvsadm -o)', () => {
  const cluster = useCluster(async () => withOnePacket(await loadTopologyFile(UDP_DNS)));

  it('schedules each datagram of one client port on its own: they take turns over the real servers', async () => {
    expect(await cluster().ipvsTable()).toMatch(/UDP\s+10\.53\.0\.53:53 wrr ops/);
    const answers = await cluster().request({ count: 6, fromPort: FIXED_PORT });
    const served = answers.map((outcome) => outcome.servedBy);
    expect(new Set(served)).toEqual(new Set(['dns1', 'dns2', 'dns3']));
    expect(served.slice(0, 3)).toEqual(served.slice(3));
  });
});

describe('a UDP service with one real server broken (strict rp_filter on dns2)', () => {
  const cluster = useCluster(async () => withHost(await loadTopologyFile(UDP_DNS), 'dns2', (host) => ({ sysctls: { ...host.sysctls, 'net.ipv4.conf.all.rp_filter': '1' } })));

  it("fails the TUN contract's direct return for dns2's flows only, the distribution for its unanswered datagrams, and the doctor names it", async () => {
    const report = await runChecks(cluster(), { connections: 6 });
    const byProperty = Object.fromEntries(report.verdicts.map((verdict) => [verdict.property, verdict]));
    expectDirectReturnFailsOnlyFor(report, 'dns2', ['dns1', 'dns3']);
    expect(byProperty['distribution (wrr)']!.ok).toBe(false);
    expect(findingNames(report)).toEqual(['rp-filter-on-tunl0@dns2']);
  });
});
