// Director failover with VRRP, measured: two directors under keepalived share the VIP, lvs1
// (priority 150) the master and lvs2 (100) its backup. The master goes down (its keepalived
// killed, or its uplink down): lvs2 takes the VIP with gratuitous ARP and the client's new
// connections go through it. The master comes back: it takes the VIP back. And the same
// assertion failing where no backup exists. Timings are annotations, never asserted.
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import {
  assertVerdict,
  buildCluster,
  formatFailoverRecord,
  judgeVipHandover,
  loadTopologyFile,
  measureDirectorFailover,
  measureDirectorReturn,
  vipHandoverTimings,
  type Cluster,
  type DirectorFault,
  type VipHandoverObservation,
} from '../harness/library/index.js';

const VRRP_TOPOLOGY = new URL('../fixtures/topologies/seed-vrrp.yaml', import.meta.url).pathname;

async function record(context: TestContext, scenario: string, ok: boolean, observation: VipHandoverObservation): Promise<void> {
  await context.annotate(formatFailoverRecord({ scenario, ok, timings: vipHandoverTimings(observation) }), 'failover timings');
}

describe('two directors sharing the VIP through VRRP', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await buildCluster(await loadTopologyFile(VRRP_TOPOLOGY));
  });
  afterAll(() => cluster?.stop());

  it('holds the VIP on the master lvs1 alone, and the same virtual service on both directors', async () => {
    expect(await cluster.vipHolders()).toEqual(['lvs1']);
    for (const director of ['lvs1', 'lvs2']) {
      const table = await cluster.ipvsTable([], director);
      expect(table).toMatch(/TCP\s+192\.168\.73\.120:80 rr/);
      expect(table).toMatch(/-> 192\.168\.73\.110:80\s+Tunnel\s+1/);
      expect(table).toMatch(/-> 192\.168\.73\.111:80\s+Tunnel\s+1/);
    }
  });

  describe.each<{ fault: DirectorFault }>([{ fault: 'keepalived-killed' }, { fault: 'uplink-down' }])('when the master fails by $fault', ({ fault }) => {
    it('moves the VIP to lvs2, the client follows it by gratuitous ARP, and new connections work through lvs2', async (context) => {
      const observation = await measureDirectorFailover(cluster, { fault });
      const verdict = judgeVipHandover(cluster.topology, observation);
      await record(context, `director failover (${fault})`, verdict.ok, observation);
      assertVerdict(verdict);
      expect(observation.holdersAfter).toContain('lvs2');
      expect(observation.after.map((outcome) => outcome.ok)).toEqual([true, true, true, true]);
    });

    it('gives the VIP back to lvs1 when it returns', async (context) => {
      const observation = await measureDirectorReturn(cluster, 'lvs1', { fault });
      const verdict = judgeVipHandover(cluster.topology, observation);
      await record(context, `director return (${fault})`, verdict.ok, observation);
      assertVerdict(verdict);
      expect(await cluster.vipHolders()).toEqual(['lvs1']);
    });
  });
});

describe('a lone director under VRRP: failover cannot happen', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    const topology = await loadTopologyFile(VRRP_TOPOLOGY);
    cluster = await buildCluster({ ...topology, hosts: topology.hosts.filter((host) => host.name !== 'lvs2') });
  });
  afterAll(() => cluster?.stop());

  it('fails the director failover assertion, naming the property and the requests that failed', async () => {
    const observation = await measureDirectorFailover(cluster, { fault: 'uplink-down', timeoutMs: 5_000, requests: 2 });
    const verdict = judgeVipHandover(cluster.topology, observation);
    expect(() => assertVerdict(verdict)).toThrow(
      /^director failover failed: no director took over the VIP within \d+ ms after lvs1's uplink went down \(there is no other director to take it; the VIP is on no director\); (\d+) of \1 requests failed meanwhile$/,
    );
    expect(observation.after.some((outcome) => outcome.ok)).toBe(false);
  });
});
