// keepalived, with the keepalived.conf we deploy, in charge of the director: the client's
// connections are spread by wlc, the replies come straight back from the servers (the TUN
// contract, from captured packets), and the doctor finds nothing.
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import { buildCluster, loadTopologyFile, runChecks } from 'lvs-harness';
import { clusterTest } from 'lvs-harness/vitest';
import { failedProperties, messageOf, topologyFile } from './support.js';

const test = clusterTest(topologyFile('keepalived'));

describe('our keepalived.conf', () => {
  test('balances by wlc, keeps the TUN contract, and the doctor finds nothing', async ({ cluster }) => {
    const report = await runChecks(cluster, { assertions: ['distribution', 'tun-contract', 'doctor'] });
    expect(failedProperties(report), JSON.stringify(report.verdicts, null, 2)).toEqual([]);
    expect(report.verdicts.map((verdict) => verdict.property)).toEqual(['distribution (wlc)', 'TUN contract', 'doctor']);
  });

  test('with lb_kind DR where the servers are set up for TUN: the table is not ours, and the TUN contract fails', async () => {
    // A cluster that does not settle is judged, not thrown: that is what a regression suite needs.
    await using cluster = await buildCluster(await loadTopologyFile(fileURLToPath(topologyFile('keepalived-direct-routing'))), { tolerateUnsettled: true });
    const report = await runChecks(cluster, { assertions: ['distribution', 'tun-contract', 'doctor'] });
    expect(report.passed).toBe(false);
    expect(failedProperties(report)).toEqual(['cluster settled', 'distribution (wlc)', 'TUN contract', 'doctor']);
    expect(messageOf(report, 'cluster settled')).toMatch(/unexpected: +-a -t 10\.20\.0\.200:8080 -r 10\.20\.0\.11:8080 -g -w 1/);
  });
});
