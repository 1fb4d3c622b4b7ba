// The walkthrough's proof, as a suite: curl the VIP and the real servers take turns. And the
// same assertion on a cluster where web2 cannot answer through the tunnel, which must fail.
import { describe, expect, it } from 'vitest';
import { useCluster } from './support/use-cluster.js';
import { assertVerdict, judgeRoundRobin } from '../harness/library/index.js';
import { seedTopology, withHost } from './support/topologies.js';

const CONNECTIONS = 8;

describe("the seed's cluster", () => {
  const cluster = useCluster(seedTopology);

  it('holds the walkthrough IPVS table: rr over web1 and web2, both tunnelled', async () => {
    const table = await cluster().ipvsTable();
    expect(table).toMatch(/TCP\s+192\.168\.73\.120:80 rr/);
    expect(table).toMatch(/-> 192\.168\.73\.110:80\s+Tunnel\s+1/);
    expect(table).toMatch(/-> 192\.168\.73\.111:80\s+Tunnel\s+1/);
  });

  it(`answers ${CONNECTIONS} connections to the VIP, web1 and web2 taking turns, ${CONNECTIONS / 2} each`, async () => {
    const outcomes = await cluster().request({ count: CONNECTIONS });
    const verdict = judgeRoundRobin(cluster().topology, outcomes);
    assertVerdict(verdict);
    expect(verdict.message).toContain(`web1 ${CONNECTIONS / 2}, web2 ${CONNECTIONS / 2}`);
    // Each answer came on a connection of its own.
    expect(new Set(outcomes.map((outcome) => outcome.localPort)).size).toBe(CONNECTIONS);
  });
});

describe('a cluster where web2 cannot answer through the tunnel', () => {
  // Strict reverse-path filtering on tunl0 drops every decapsulated packet: the known
  // LVS-TUN pitfall. web2 still answers on its own address, so the build succeeds.
  const cluster = useCluster(async () => withHost(await seedTopology(), 'web2', (host) => ({ sysctls: { ...host.sysctls, 'net.ipv4.conf.tunl0.rp_filter': '1' } })));

  it('fails the round-robin assertion, naming the property and the silent server', async () => {
    const outcomes = await cluster().request({ count: CONNECTIONS, timeoutMs: 1_500 });
    const verdict = judgeRoundRobin(cluster().topology, outcomes);
    expect(() => assertVerdict(verdict)).toThrow(/^round-robin failed: 4 of 8 connections got no answer; web2 answered fewer than 4/);
    expect(outcomes.filter((outcome) => outcome.ok).map((outcome) => outcome.body)).toEqual(Array(4).fill('this is web1\n'));
  });
});
