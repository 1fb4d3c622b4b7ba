// Real-server failover under keepalived, measured: web1's HTTP server stops, keepalived takes
// it out of the IPVS table (or, with inhibit_on_failure, sets its weight to 0), every request
// from then on is answered by web2; web1 starts again, comes back, round-robin resumes. And
// the same assertion failing on a cluster where keepalived has no health check, so cannot
// fail over. Timings are recorded as annotations on each test, never asserted.
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import {
  assertVerdict,
  buildCluster,
  formatFailoverRecord,
  judgeRealServerFailover,
  judgeRealServerReturn,
  loadTopologyFile,
  measureRealServerFailover,
  measureRealServerReturn,
  realServerFailoverTimings,
  type Cluster,
  type FailoverTimings,
  type Topology,
  type Verdict,
  type VirtualService,
} from '../harness/library/index.js';

const KEEPALIVED_TOPOLOGY = new URL('../fixtures/topologies/seed-keepalived.yaml', import.meta.url).pathname;

async function keepalivedTopology(change: Partial<VirtualService>): Promise<Topology> {
  const topology = await loadTopologyFile(KEEPALIVED_TOPOLOGY);
  return { ...topology, service: { ...topology.service, ...change } };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Attaches the timings to the test's results (an annotation; JSON reporters keep it). */
async function record(context: TestContext, scenario: string, verdict: Verdict, timings: FailoverTimings): Promise<void> {
  await context.annotate(formatFailoverRecord({ scenario, ok: verdict.ok, timings }), 'failover timings');
}

describe.each([
  { mode: 'removal', inhibitOnFailure: false, expected: { present: false } },
  { mode: 'inhibit_on_failure', inhibitOnFailure: true, expected: { present: true, weight: 0 } },
])('keepalived real-server failover ($mode)', ({ mode, inhibitOnFailure, expected }) => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await buildCluster(await keepalivedTopology({ inhibitOnFailure }));
  });
  afterAll(() => cluster?.stop());

  it(`takes web1 out when its HTTP server stops, and from then on web2 answers every request`, async (context) => {
    const observation = await measureRealServerFailover(cluster, 'web1');
    const verdict = judgeRealServerFailover(cluster.topology, observation);
    await record(context, `real-server failover (${mode})`, verdict, realServerFailoverTimings(observation));
    assertVerdict(verdict);
    expect(observation.finalState).toEqual(expected);
    expect(observation.afterRemoval.map((outcome) => outcome.body)).toEqual(Array(6).fill('this is web2\n'));
    // keepalived's log agrees with the table: it saw the check fail before taking web1 out.
    expect(observation.detectedMs).toBeDefined();
    expect(observation.takenOutLoggedMs).toBeGreaterThanOrEqual(observation.detectedMs!);
  });

  it('puts web1 back when its HTTP server starts again, and round-robin resumes', async (context) => {
    const observation = await measureRealServerReturn(cluster, 'web1');
    const verdict = judgeRealServerReturn(cluster.topology, observation);
    await record(context, `real-server return (${mode})`, verdict, { returnMs: observation.returnedMs && Math.round(observation.returnedMs) });
    assertVerdict(verdict);
    expect(observation.finalState).toEqual({ present: true, weight: 1 });
  });
});

describe.each([
  { mode: 'removal', inhibitOnFailure: false, never: 'keepalived never took web1 out of the IPVS table' },
  { mode: 'inhibit_on_failure', inhibitOnFailure: true, never: "keepalived never set web1's weight to 0 (inhibit_on_failure)" },
])('keepalived without a health check ($mode): failover cannot happen', ({ inhibitOnFailure, never }) => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await buildCluster(await keepalivedTopology({ inhibitOnFailure, healthCheck: { type: 'none', delayLoop: 1 } }));
  });
  afterAll(() => cluster?.stop());

  it('fails the real-server failover assertion, naming the property, the server and the failed requests', async () => {
    // keepalived checks nothing, so no wait would ever end: a short bound suffices.
    const observation = await measureRealServerFailover(cluster, 'web1', { timeoutMs: 5_000 });
    const verdict = judgeRealServerFailover(cluster.topology, observation);
    expect(() => assertVerdict(verdict)).toThrow(
      new RegExp(`^real-server failover failed: web1's HTTP server stopped; ${escapeRegExp(never)}: it was still in the table with weight 1 \\d+ ms after its HTTP server stopped; 3 of 6 requests after the \\d+ ms wait failed`),
    );
    expect(observation.finalState).toEqual({ present: true, weight: 1 });
  });
});
