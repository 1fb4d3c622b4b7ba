#!/usr/bin/env node
// Benchmark: how long the seed's cluster takes to build and to tear down, per stage, and how
// many processes a build starts, in the kernel this runs in; beside it, in the same kernel,
// the reference (scripts/bench-reference.sh: the seed's commands typed one by one, no HTTP
// servers) and `lvs-harness check` of the seed's topology (build to teardown, the default
// assertions), with the two ratios the speed targets speak of; then the build of the seed with
// 8, 16, 32 and 64 real servers, and its time per real server. Run it in the chosen kernel:
//   npm run bench            (or: node dist/harness/cli/main.js run -- node scripts/bench-build.mjs [ROUNDS])
// Prints a table, then one JSON line. Figures are measured, never asserted.
import { release } from 'node:os';
import { argv } from 'zx';
import { execa } from 'execa';
import { buildCluster } from '../dist/harness/cluster/build-cluster.js';
import { loadTopologyFile, parseTopologyText } from '../dist/harness/topology/load-topology.js';
import { packagePath } from '../dist/harness/package-root.js';
import { currentGuest } from '../dist/harness/kernel/guest-identity.js';

const rounds = Number(argv._[0] ?? 3);
const topology = await loadTopologyFile(packagePath('fixtures', 'topologies', 'seed-tun.yaml'));
const kernel = `${currentGuest() ?? 'host'} ${release()}`;
const results = [];
for (let round = 1; round <= rounds; round += 1) {
  const buildStarted = performance.now();
  const cluster = await buildCluster(topology);
  const buildMs = performance.now() - buildStarted;
  const processStarts = cluster.runner.journal.processStarts;
  const outcomes = await cluster.request({ count: 4 });
  const stopStarted = performance.now();
  await cluster.stop();
  const teardownMs = performance.now() - stopStarted;
  results.push({
    round,
    buildMs: Math.round(buildMs),
    teardownMs: Math.round(teardownMs),
    processStarts,
    teardownProcessStarts: cluster.runner.journal.processStarts - processStarts,
    answered: outcomes.filter((outcome) => outcome.ok).length,
    stages: Object.fromEntries(cluster.stageTimings.map(({ stage, ms }) => [stage, ms])),
  });
}

// The reference script and the command a user runs, the same number of rounds, same kernel.
const referenceMs = [];
const checkMs = [];
for (let round = 1; round <= rounds; round += 1) {
  const reference = await execa('bash', [packagePath('scripts', 'bench-reference.sh')]);
  referenceMs.push(Number(/build_ms=(\d+)/.exec(reference.stdout)?.[1]));
  const started = performance.now();
  const check = await execa(process.execPath, [packagePath('dist', 'harness', 'cli', 'main.js'), 'check', packagePath('fixtures', 'topologies', 'seed-tun.yaml')], { reject: false });
  if (check.exitCode !== 0) throw new Error(`check of the seed's topology failed (exit ${check.exitCode}):\n${check.stdout}\n${check.stderr}`);
  checkMs.push(Math.round(performance.now() - started));
}

// Up-time against size: the seed with 8, 16, 32 and 64 real servers (LVS_HARNESS_BENCH_SIZES
// overrides), one build each, and the time per real server.
const sizes = (process.env.LVS_HARNESS_BENCH_SIZES ?? '8,16,32,64').split(',').filter(Boolean).map(Number);
const scaling = [];
for (const servers of sizes) {
  const scaled = parseTopologyText(scaledTopologyText(servers), `seed-tun with ${servers} real servers`);
  const started = performance.now();
  const cluster = await buildCluster(scaled);
  const buildMs = Math.round(performance.now() - started);
  const answered = (await cluster.request({ count: servers })).filter((outcome) => outcome.ok).length;
  await cluster.stop();
  const stages = Object.fromEntries(cluster.stageTimings.map(({ stage, ms }) => [stage, ms]));
  scaling.push({ servers, buildMs, msPerRealServer: Math.round(buildMs / servers), answered, processStarts: cluster.runner.journal.processStarts, stages });
}

/** The seed's topology with `servers` real servers (web1..webN on .130 and up), round-robin over all. */
function scaledTopologyText(servers) {
  const names = Array.from({ length: servers }, (_, index) => `web${index + 1}`);
  return [
    'name: seed-tun-scaled',
    'segment:',
    '  subnet: 192.168.73.0/24',
    'hosts:',
    '  client:',
    '    role: client',
    '    address: 192.168.73.50',
    '  lvs:',
    '    role: director',
    '    address: 192.168.73.100',
    ...names.flatMap((name, index) => [`  ${name}:`, '    role: real-server', `    address: 192.168.73.${130 + index}`]),
    'service:',
    '  vip: 192.168.73.120',
    '  port: 80',
    '  scheduler: rr',
    '  realServers:',
    ...names.flatMap((name) => [`    - host: ${name}`, '      forwarding: tunnel']),
    '',
  ].join('\n');
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const stageNames = Object.keys(results[0].stages);
console.log(`\nseed cluster build benchmark, ${rounds} rounds, kernel: ${kernel}\n`);
console.log(['round', 'build ms', 'teardown ms', 'process starts (build)', 'process starts (teardown)', ...stageNames].join(' | '));
for (const r of results) {
  console.log([r.round, r.buildMs, r.teardownMs, r.processStarts, r.teardownProcessStarts, ...stageNames.map((name) => r.stages[name])].join(' | '));
}
const summary = {
  benchmark: 'seed-cluster-build',
  kernel,
  rounds,
  medianBuildMs: median(results.map((r) => r.buildMs)),
  medianTeardownMs: median(results.map((r) => r.teardownMs)),
  processStartsPerBuild: results[0].processStarts,
  processStartsPerTeardown: results[0].teardownProcessStarts,
  medianReferenceBuildMs: median(referenceMs),
  medianCheckMs: median(checkMs),
  results,
  referenceMs,
  checkMs,
  scaling,
};
summary.buildToReference = Number((summary.medianBuildMs / summary.medianReferenceBuildMs).toFixed(2));
summary.checkToReference = Number((summary.medianCheckMs / summary.medianReferenceBuildMs).toFixed(2));
console.log(`median | ${summary.medianBuildMs} | ${summary.medianTeardownMs} | ${summary.processStartsPerBuild} | ${summary.processStartsPerTeardown}`);
console.log(`\nreference script (scripts/bench-reference.sh) build ms: ${referenceMs.join(', ')} (median ${summary.medianReferenceBuildMs})`);
console.log(`lvs-harness check of seed-tun, build to teardown, ms: ${checkMs.join(', ')} (median ${summary.medianCheckMs})`);
console.log(`harness build / reference: ${summary.buildToReference} (target at most 0.33); check / reference: ${summary.checkToReference} (target at most 1.4)`);
if (scaling.length > 0) {
  const scaledStages = Object.keys(scaling[0].stages);
  console.log(`\nbuild against size (one build each; every real server asked once):`);
  console.log(['real servers', 'build ms', 'ms per real server', 'answered', 'process starts', ...scaledStages].join(' | '));
  for (const row of scaling) console.log([row.servers, row.buildMs, row.msPerRealServer, row.answered, row.processStarts, ...scaledStages.map((name) => row.stages[name])].join(' | '));
}
console.log(JSON.stringify(summary));
