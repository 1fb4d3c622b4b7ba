// Why the client never reuses a source port within a run, shown on the seed's cluster: a
// director in tunnel mode remembers a connection for two minutes after the client's FIN, and a
// new connection from a remembered port goes where the old one went, past round-robin, and is
// silently dropped once that real server is taken out. The harness's own verdicts (round-robin
// resumed, no request failed after a removal, new connections through the new VRRP master)
// would then fail for a reason that is not the cluster's. So every connection of a run gets a
// port of its own, across all the run's client agents.
import { describe, expect, it } from 'vitest';
import { ClientAgent, clientPortClaims } from '../harness/cluster/client-agent.js';
import { namespaceOf } from '../harness/plan/cluster-plan.js';
import { clientHost, hostNamed } from '../harness/library/index.js';
import { useCluster } from './support/use-cluster.js';
import { seedTopology } from './support/topologies.js';

// Outside the range the harness picks from (10000-29999), so no other request of the run has it.
const REUSED_PORT = 31_000;

describe("a client port the director remembers, on the seed's cluster", () => {
  const cluster = useCluster(seedTopology);

  it('goes to the remembered real server past round-robin, and is dropped once that server is taken out', async () => {
    const { vip, port } = cluster().topology.service;
    const [first] = await cluster().request({ count: 1, fromPort: REUSED_PORT });
    expect(first!.ok).toBe(true);
    const remembered = first!.servedBy!;
    const other = remembered === 'web1' ? 'web2' : 'web1';
    // Round-robin's turn is the other server's; the remembered port is sent back all the same.
    const [again] = await cluster().request({ count: 1, fromPort: REUSED_PORT });
    expect(again!.servedBy, 'a reused client port bypasses round-robin').toBe(remembered);
    const rememberedAddress = hostNamed(cluster().topology, remembered).address;
    await cluster().exec(cluster().director.name, ['ipvsadm', '-d', '-t', `${vip}:${port}`, '-r', `${rememberedAddress}:${port}`]);
    const [dropped] = await cluster().request({ count: 1, fromPort: REUSED_PORT, timeoutMs: 1_000 });
    expect(dropped!.ok, 'a reused client port whose real server was taken out gets no answer').toBe(false);
    expect(dropped!.error).toMatch(/^CONNECT_TIMEOUT/);
    // The same moment, a port of the harness's choosing is scheduled afresh.
    const fresh = await cluster().request({ count: 2, timeoutMs: 1_000 });
    expect(fresh.map((outcome) => outcome.servedBy)).toEqual([other, other]);
  });
});

describe("the client's ports across a run's agents", () => {
  const cluster = useCluster(seedTopology);

  it('are never the same twice: the cluster\'s agent and a second one (as `lvs-harness request` starts) share the claims', async () => {
    const second = await ClientAgent.start(cluster().runner, namespaceOf(cluster().plan, clientHost(cluster().topology).name), { portClaims: clientPortClaims(cluster().runDir) });
    try {
      const outcomes = [];
      for (let index = 0; index < 40; index += 1) {
        outcomes.push(...(await cluster().request({ count: 1 })), await second.get(cluster().vipUrl, 2_000));
      }
      expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);
      const ports = outcomes.map((outcome) => outcome.localPort);
      expect(new Set(ports).size).toBe(ports.length);
    } finally {
      await second.stop();
    }
  });
});
