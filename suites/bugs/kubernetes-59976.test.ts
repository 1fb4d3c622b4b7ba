// kubernetes #59976 (fixtures/bugs/kubernetes-59976.yaml): web1 holds the VIP with arp_ignore
// 0 and answers the client's ARP for it. Symptom: the client's packets for the VIP go to web1's
// MAC, past the director; the TUN contract fails "client to director", the doctor names
// arp_ignore on web1. Fix: strict ARP on web1 (arp_ignore 1, arp_announce 2); once the client's
// stale neighbour entry is gone, every assertion holds.
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../harness/library/index.js';
import { loadBugReport } from '../support/bug-reports.js';
import { useCluster } from '../support/use-cluster.js';

const ASSERTIONS = ['distribution', 'tun-contract', 'doctor'] as const;

describe('kubernetes#59976: a host that serves the VIP answers ARP for it', () => {
  const cluster = useCluster(() => loadBugReport('kubernetes-59976'));

  it('shows the symptom: the TUN contract fails client to director, and the doctor names arp_ignore on web1', async () => {
    const report = await runChecks(cluster(), { assertions: ASSERTIONS, connections: 4 });
    const tun = report.verdicts.find((verdict) => verdict.property === 'TUN contract')!;
    expect(tun.ok).toBe(false);
    expect(tun.message).toMatch(/property 1 \(client to director\) failed/);
    expect(report.findings.map((finding) => `${finding.pitfall}@${finding.host}`)).toContain('arp-ignore@web1');
  });

  it("is gone with the fix: strict ARP on web1, and once the client's neighbour entry is renewed every assertion holds", async () => {
    const { vip } = cluster().topology.service;
    await cluster().exec('web1', ['sysctl', '-w', 'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.eth0.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2', 'net.ipv4.conf.eth0.arp_announce=2']);
    await cluster().exec('client', ['ip', 'neigh', 'flush', 'to', vip]);
    const report = await runChecks(cluster(), { assertions: ASSERTIONS, connections: 4 });
    expect(report.verdicts.filter((verdict) => !verdict.ok)).toEqual([]);
    expect(report.findings).toEqual([]);
  });
});
