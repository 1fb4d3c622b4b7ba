// A real server whose health check passes while its tunnel is broken: web1's HTTP server
// answers on web1's own address (what keepalived checks) but its tunl0 is down, so every
// connection the director tunnels to it fails. keepalived keeps it in the table; the harness
// must notice and say so. With tunl0 up again, the same judgement passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertVerdict, buildCluster, judgeHealthAgreement, loadTopologyFile, observeHealthAgreement, type Cluster } from '../harness/library/index.js';
import { withHost } from './support/topologies.js';

const KEEPALIVED_TOPOLOGY = new URL('../fixtures/topologies/seed-keepalived.yaml', import.meta.url).pathname;

describe("a real server whose tunnel is down while its health check passes", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    const topology = withHost(await loadTopologyFile(KEEPALIVED_TOPOLOGY), 'web1', (host) => ({ commands: [...host.commands, ['ip', 'link', 'set', 'tunl0', 'down']] }));
    cluster = await buildCluster(topology);
  });
  afterAll(() => cluster?.stop());

  it("passes keepalived's check: web1 answers on its own address and stays in the table", async () => {
    const [direct] = await cluster.request({ count: 1, url: 'http://192.168.73.110:80/' });
    expect(direct?.body).toBe('this is web1\n');
    expect(await cluster.ipvsTable()).toMatch(/-> 192\.168\.73\.110:80\s+Tunnel\s+1/);
  });

  it("is reported by the harness: web1 passes keepalived's health check but the client's requests to it through the VIP fail", async () => {
    const observation = await observeHealthAgreement(cluster, { count: 4 });
    const verdict = judgeHealthAgreement(cluster.topology, observation);
    expect(() => assertVerdict(verdict)).toThrow(
      /^health-check agreement failed: web1 passes keepalived's health check \(in the table with weight 1\) but the client's requests to it through the VIP fail: 2 of the 2 connections the director gave it got no answer/,
    );
    // keepalived still keeps it: only the harness noticed.
    expect(observation.table).toContainEqual({ server: 'web1', state: { present: true, weight: 1 } });
    expect(observation.outcomes.filter((outcome) => outcome.ok).map((outcome) => outcome.body)).toEqual(['this is web2\n', 'this is web2\n']);
  });

  it('agrees again once tunl0 is up: every connection the director gives web1 is answered', async () => {
    await cluster.exec('web1', ['ip', 'link', 'set', 'tunl0', 'up']);
    const verdict = judgeHealthAgreement(cluster.topology, await observeHealthAgreement(cluster, { count: 4 }));
    assertVerdict(verdict);
    expect(verdict.message).toContain('web1 2 of 2, web2 2 of 2');
  });
});
