// kubernetes #71514 (fixtures/bugs/kubernetes-71514.yaml): a UDP service, its real server
// removed while a client keeps sending from one port. Symptom: the director's entry outlives
// the removal and the client's datagrams keep going to the removed server, unanswered; and
// IPVS counts the flow as inactive (ActiveConn 0), which is why kube-proxy's graceful
// termination did not wait for it. Fix: expire_nodest_conn 1, and the flow moves to a live server.
import { describe, expect, it } from 'vitest';
import { hostNamed, readIpvsListing, type Cluster } from '../../harness/library/index.js';
import { entriesFromPort, loadBugReport, waitUntilForgotten } from '../support/bug-reports.js';
import { useCluster } from '../support/use-cluster.js';

/** Removes a real server from the UDP service and stops its server: the pod is gone. */
async function removeRealServer(cluster: Cluster, name: string): Promise<void> {
  const { vip, port } = cluster.topology.service;
  await cluster.exec('lvs', ['ipvsadm', '-d', '-u', `${vip}:${port}`, '-r', `${hostNamed(cluster.topology, name).address}:${port}`]);
  await cluster.stopHttpServer(name);
}

async function restoreRealServer(cluster: Cluster, name: string): Promise<void> {
  const { vip, port } = cluster.topology.service;
  await cluster.startHttpServer(name);
  await cluster.exec('lvs', ['ipvsadm', '-a', '-u', `${vip}:${port}`, '-r', `${hostNamed(cluster.topology, name).address}:${port}`, '-i', '-w', '1']);
}

describe('kubernetes#71514: UDP entries outlive a removed real server', () => {
  const cluster = useCluster(() => loadBugReport('kubernetes-71514'));

  it('shows the symptom: the flow counts as inactive, and after its server is removed its datagrams still go there, unanswered', async () => {
    const flow = await cluster().openFlow({ timeoutMs: 2_000 });
    const removed = flow.servedBy!;
    const { vip, port } = cluster().topology.service;
    const [listed] = (await readIpvsListing(cluster().namespaceReader('lvs'))).filter((service) => service.service === `${vip}:${port}`);
    const counters = listed!.realServers.find((entry) => entry.realServer.startsWith(`${hostNamed(cluster().topology, removed).address}:`))!;
    expect({ active: counters.active, inactive: counters.inactive }).toEqual({ active: 0, inactive: 1 });

    await removeRealServer(cluster(), removed);
    const after = await flow.ask(1_000);
    expect(after.state).not.toBe('survived');
    const left = await entriesFromPort(cluster(), 'lvs', flow.localPort!);
    expect(left.map((entry) => [entry.protocol, entry.realServer])).toEqual([['UDP', `${hostNamed(cluster().topology, removed).address}:${port}`]]);
    await restoreRealServer(cluster(), removed);
  });

  it('is gone with the fix: with expire_nodest_conn 1 the entry is flushed with its server, and the flow is answered by the other', async () => {
    await cluster().exec('lvs', ['sysctl', '-w', 'net.ipv4.vs.expire_nodest_conn=1']);
    const flow = await cluster().openFlow({ timeoutMs: 2_000 });
    const removed = flow.servedBy!;
    await removeRealServer(cluster(), removed);
    await waitUntilForgotten(cluster(), 'lvs', flow.localPort!, 10_000);
    const after = await flow.ask(2_000);
    expect(after.state, after.error).toBe('survived');
    expect(after.servedBy).not.toBe(removed);
  });
});
