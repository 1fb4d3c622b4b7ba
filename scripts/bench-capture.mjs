#!/usr/bin/env node
// Benchmark: what capturing and judging the TUN contract adds to a run, in the kernel this
// runs in. On one seed cluster it times N plain requests, then the same N requests inside
// checkTunContract (tcpdump at six points, a broadcast marker, decoding, verdicts).
//   node dist/harness/cli/main.js run -- node scripts/bench-capture.mjs [CONNECTIONS] [ROUNDS]
// Prints a table, then one JSON line. Figures are measured, never asserted.
import { release } from 'node:os';
import { argv } from 'zx';
import { buildCluster } from '../dist/harness/cluster/build-cluster.js';
import { checkTunContract } from '../dist/harness/checks/tun-contract-check.js';
import { loadTopologyFile } from '../dist/harness/topology/load-topology.js';
import { packagePath } from '../dist/harness/package-root.js';
import { currentGuest } from '../dist/harness/kernel/guest-identity.js';

const connections = Number(argv._[0] ?? 8);
const rounds = Number(argv._[1] ?? 3);
const kernel = `${currentGuest() ?? 'host'} ${release()}`;
const cluster = await buildCluster(await loadTopologyFile(packagePath('fixtures', 'topologies', 'seed-tun.yaml')));
const results = [];
try {
  for (let round = 1; round <= rounds; round += 1) {
    const started = performance.now();
    await cluster.request({ count: connections });
    const plainMs = Math.round(performance.now() - started);
    const checkStarted = performance.now();
    const check = await checkTunContract(cluster, { connections });
    const checkedMs = Math.round(performance.now() - checkStarted);
    if (!check.verdict.ok) throw new Error(check.verdict.message);
    results.push({ round, plainMs, checkedMs, addedMs: checkedMs - plainMs, ...check.timings });
  }
} finally {
  await cluster.stop();
}
const median = (key) => [...results.map((r) => r[key])].sort((a, b) => a - b)[Math.floor(results.length / 2)];
const columns = ['round', 'plainMs', 'checkedMs', 'addedMs', 'captureStartMs', 'trafficMs', 'captureStopMs', 'judgeMs'];
console.log(`\nTUN contract capture benchmark: ${connections} connections, ${rounds} rounds, kernel: ${kernel}\n`);
console.log(columns.join(' | '));
for (const r of results) console.log(columns.map((key) => r[key]).join(' | '));
console.log(['median', ...columns.slice(1).map(median)].join(' | '));
console.log(JSON.stringify({ benchmark: 'tun-contract-capture', kernel, connections, rounds, medianAddedMs: median('addedMs'), medianCaptureStartMs: median('captureStartMs'), medianCaptureStopMs: median('captureStopMs'), medianJudgeMs: median('judgeMs'), results }));
