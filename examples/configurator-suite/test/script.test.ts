// Our one-shot configurator script in charge of the director: wrr with weights 3, 2, 1 over
// three servers, tunnelled.
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import { buildCluster, loadTopologyFile, runChecks } from 'lvs-harness';
import { clusterTest } from 'lvs-harness/vitest';
import { failedProperties, messageOf, topologyFile } from './support.js';

const test = clusterTest(topologyFile('script'));

describe('our configurator script', () => {
  test('balances by the weights, keeps the TUN contract, and the doctor finds nothing', async ({ cluster }) => {
    const report = await runChecks(cluster, { assertions: ['distribution', 'tun-contract', 'doctor'] });
    expect(failedProperties(report), JSON.stringify(report.verdicts, null, 2)).toEqual([]);
    expect(messageOf(report, 'distribution (wrr)')).toMatch(/app1 \d+.*app2 \d+.*app3 \d+/);
  });

  test('with the bug that left the last server out: the cluster never settles, and the distribution fails naming app3', async () => {
    await using cluster = await buildCluster(await loadTopologyFile(fileURLToPath(topologyFile('script-drops-last'))), { tolerateUnsettled: true });
    const report = await runChecks(cluster, { assertions: ['distribution', 'tun-contract', 'doctor'] });
    expect(failedProperties(report)).toEqual(['cluster settled', 'distribution (wrr)', 'doctor']);
    expect(messageOf(report, 'distribution (wrr)')).toMatch(/missing: +-a -t 10\.20\.0\.200:8080 -r 10\.20\.0\.13:8080 -i -w 1 +\(app3\)/);
  });
});
