#!/usr/bin/env node
// Benchmark: how long failover takes under keepalived, in the kernel this runs in. A real
// server's HTTP server stopped and started again (removal, and inhibit_on_failure), and the
// VRRP master taken down three ways (keepalived stopped, keepalived killed, uplink down) and
// brought back. Run it in the chosen kernel, after tsc:
//   node dist/harness/cli/main.js run -- node scripts/bench-failover.mjs [ROUNDS]
// Prints a table, then one JSON line. Figures are measured, never asserted.
import { release } from 'node:os';
import { argv } from 'zx';
import { buildCluster } from '../dist/harness/cluster/build-cluster.js';
import { judgeVipHandover, vipHandoverTimings } from '../dist/harness/failover/failover-director.js';
import { judgeRealServerFailover, judgeRealServerReturn, realServerFailoverTimings } from '../dist/harness/failover/failover-real-server.js';
import { formatFailoverRecord, formatFailoverTable } from '../dist/harness/failover/failover-timings.js';
import { DIRECTOR_FAULTS, measureDirectorFailover, measureDirectorReturn } from '../dist/harness/failover/measure-director-failover.js';
import { measureRealServerFailover, measureRealServerReturn } from '../dist/harness/failover/measure-real-server-failover.js';
import { loadTopologyFile } from '../dist/harness/topology/load-topology.js';
import { packagePath } from '../dist/harness/package-root.js';
import { currentGuest } from '../dist/harness/kernel/guest-identity.js';

const rounds = Number(argv._[0] ?? 1);
const kernel = `${currentGuest() ?? 'host'} ${release()}`;
const keepalivedTopology = await loadTopologyFile(packagePath('fixtures', 'topologies', 'seed-keepalived.yaml'));
const vrrpTopology = await loadTopologyFile(packagePath('fixtures', 'topologies', 'seed-vrrp.yaml'));
const records = [];

/** Builds a cluster, runs `work` on it, always tears it down. */
async function withCluster(topology, work) {
  const cluster = await buildCluster(topology);
  try {
    await work(cluster);
  } finally {
    await cluster.stop();
  }
}

for (let round = 1; round <= rounds; round += 1) {
  for (const inhibitOnFailure of [false, true]) {
    const mode = inhibitOnFailure ? 'inhibit_on_failure' : 'removal';
    await withCluster({ ...keepalivedTopology, service: { ...keepalivedTopology.service, inhibitOnFailure } }, async (cluster) => {
      const failover = await measureRealServerFailover(cluster, 'web1');
      const failed = judgeRealServerFailover(cluster.topology, failover);
      records.push({ scenario: `real-server failover (${mode})`, ok: failed.ok, timings: { round, ...realServerFailoverTimings(failover) } });
      const back = await measureRealServerReturn(cluster, 'web1');
      const returned = judgeRealServerReturn(cluster.topology, back);
      records.push({ scenario: `real-server return (${mode})`, ok: returned.ok, timings: { round, returnMs: back.returnedMs && Math.round(back.returnedMs) } });
    });
  }
  await withCluster(vrrpTopology, async (cluster) => {
    for (const fault of DIRECTOR_FAULTS) {
      const failover = await measureDirectorFailover(cluster, { fault });
      records.push({ scenario: `director failover (${fault})`, ok: judgeVipHandover(cluster.topology, failover).ok, timings: { round, ...vipHandoverTimings(failover) } });
      const back = await measureDirectorReturn(cluster, failover.from, { fault });
      records.push({ scenario: `director return (${fault})`, ok: judgeVipHandover(cluster.topology, back).ok, timings: { round, ...vipHandoverTimings(back) } });
    }
  });
}

console.log(`\nfailover benchmark, ${rounds} round${rounds === 1 ? '' : 's'}, kernel: ${kernel}`);
console.log('(ms after the fault: detection = keepalived logged the failed check, removal = the table showed it,');
console.log(' vipMoved = the backup held the VIP, interruption = first failed request to first success after the last failure)\n');
for (const kind of ['real-server', 'director']) {
  console.log(`${formatFailoverTable(records.filter((record) => record.scenario.startsWith(kind)))}\n`);
}
console.log(JSON.stringify({ benchmark: 'failover', kernel, rounds, records: records.map((record) => JSON.parse(formatFailoverRecord(record))) }));
