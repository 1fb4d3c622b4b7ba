#!/usr/bin/env node
// One of several runs of the seed's cluster at once (suites/isolation-parallel-runs.test.ts):
// builds it, says so, waits for the suite's "go" (so that every cluster exists while any
// traffic flows), checks the TUN contract and round-robin, tears down, and prints one JSON
// line per event on stdout. Plain JavaScript importing the compiled harness (dist/), like
// scripts/bench-build.mjs: only compiled code runs under plain node, and `npm test` compiles first.
//   node suites/support/parallel-worker.mjs [--connections N] [--go-timeout-ms MS]
import { readdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { buildCluster } from '../../dist/harness/cluster/build-cluster.js';
import { allNamespaces } from '../../dist/harness/plan/cluster-plan.js';
import { checkTunContract } from '../../dist/harness/checks/tun-contract-check.js';
import { judgeRoundRobin } from '../../dist/harness/verdicts/round-robin.js';
import { loadTopologyFile } from '../../dist/harness/topology/load-topology.js';
import { packagePath } from '../../dist/harness/package-root.js';
import { waitFor } from '../../dist/harness/process/wait-for.js';

const { values } = parseArgs({ options: { connections: { type: 'string', default: '8' }, 'go-timeout-ms': { type: 'string', default: '120000' } } });
const connections = Number(values.connections);
const goTimeoutMs = Number(values['go-timeout-ms']);

/** One JSON line on stdout: how the suite hears from this worker. */
function report(event, fields = {}) {
  process.stdout.write(`${JSON.stringify({ event, pid: process.pid, at: Date.now(), ...fields })}\n`);
}

let go = false;
// Asked to stop (SIGTERM, or standard input closed before "go"): skip the traffic, still tear down.
let abortedBy;
createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line.trim() === 'go') go = true;
  })
  .on('close', () => {
    if (!go) abortedBy ??= 'standard input closed';
  });
process.on('SIGTERM', () => {
  abortedBy ??= 'SIGTERM';
});

let cluster;
try {
  const topology = await loadTopologyFile(packagePath('fixtures', 'topologies', 'seed-tun.yaml'));
  const buildStarted = Date.now();
  cluster = await buildCluster(topology);
  const namespaces = allNamespaces(cluster.plan);
  // What the kernel holds under this run's id, not only what the plan says.
  const seen = (await readdir('/run/netns')).filter((name) => name.startsWith(`lvsh-${cluster.runId}-`)).sort();
  report('built', { runId: cluster.runId, namespaces, seenNamespaces: seen, buildMs: Date.now() - buildStarted });

  await waitFor(
    async () => {
      if (!go && !abortedBy) throw new Error('no "go" line yet');
    },
    { timeoutMs: goTimeoutMs, awaiting: 'the suite to say "go" on standard input', maxIntervalMs: 100 },
  );
  if (abortedBy) throw new Error(`stopped before any traffic: ${abortedBy}`);
  const trafficStarted = Date.now();
  const check = await checkTunContract(cluster, { connections });
  const roundRobin = judgeRoundRobin(cluster.topology, check.outcomes);
  report('result', {
    runId: cluster.runId,
    trafficStartedAt: trafficStarted,
    tunContract: check.verdict,
    roundRobin,
    // The client's source ports its own agent used, and the connections the judge found in this run's captures.
    agentPorts: check.outcomes.map((outcome) => outcome.localPort),
    judgedConnections: check.connections.map((connection) => connection.connection),
    answeredBy: check.outcomes.map((outcome) => outcome.servedBy ?? outcome.body?.trim() ?? outcome.error),
    clientAddress: cluster.client.address,
  });
} catch (error) {
  report('error', { message: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
} finally {
  if (cluster) {
    try {
      await cluster.stop();
      report('stopped', { runId: cluster.runId });
    } catch (error) {
      report('error', { message: `teardown: ${error instanceof Error ? error.message : String(error)}` });
      process.exitCode = 1;
    }
  }
  process.stdin.destroy();
}
