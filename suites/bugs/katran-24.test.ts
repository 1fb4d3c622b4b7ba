// katran #24 (fixtures/bugs/katran-24.yaml): web2 drops the decapsulated packets by strict
// rp_filter. Symptom: its share of the connections reach it through the tunnel and are never
// answered; the TUN contract fails for them, the doctor names rp_filter on web2. Fix: rp_filter
// 0 there, and every assertion holds.
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../harness/library/index.js';
import { loadBugReport } from '../support/bug-reports.js';
import { useCluster } from '../support/use-cluster.js';
import { expectDirectReturnFailsOnlyFor, findingNames } from '../support/report-expectations.js';

const ASSERTIONS = ['distribution', 'tun-contract', 'doctor'] as const;

describe('katran#24: the real server drops decapsulated packets by rp_filter', () => {
  const cluster = useCluster(() => loadBugReport('katran-24'));

  it("shows the symptom: web2's connections get no answer, the TUN contract fails direct return for them, the doctor names rp_filter on web2", async () => {
    const report = await runChecks(cluster(), { assertions: ASSERTIONS, connections: 4 });
    expect(report.passed).toBe(false);
    expectDirectReturnFailsOnlyFor(report, 'web2', ['web1']);
    expect(findingNames(report)).toEqual(['rp-filter-on-tunl0@web2']);
  });

  it('is gone with the fix: rp_filter 0 on web2, and every assertion holds', async () => {
    await cluster().exec('web2', ['sysctl', '-w', 'net.ipv4.conf.all.rp_filter=0']);
    const report = await runChecks(cluster(), { assertions: ASSERTIONS, connections: 4 });
    expect(report.verdicts.filter((verdict) => !verdict.ok)).toEqual([]);
  });
});
