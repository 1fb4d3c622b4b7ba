// aledbf/kube-keepalived-vip #117 (fixtures/bugs/kube-keepalived-vip-117.yaml): persistence
// 1800 s. Symptom: the client's real server is quiesced (weight 0) and its server stops, and
// the client's new connections still go there, failing, because its persistence template pins
// it. Fix: expire_quiescent_template 1, and the next connection goes to the live server.
import { describe, expect, it } from 'vitest';
import { hostNamed, readIpvsEntries, type Cluster } from '../../harness/library/index.js';
import { doctorNotes, loadBugReport } from '../support/bug-reports.js';
import { useCluster } from '../support/use-cluster.js';
import { editRealServer } from '../support/director-rules.js';

/** The client's persistence template on the director: which real server it pins the client to. */
async function templateTarget(cluster: Cluster): Promise<string | undefined> {
  const entries = await readIpvsEntries(cluster.namespaceReader('lvs'));
  return entries.find((entry) => entry.client === `${cluster.client.address}:0`)?.realServer;
}

describe('kube-keepalived-vip#117: persistence keeps sending a client to a quiesced real server', () => {
  const cluster = useCluster(() => loadBugReport('kube-keepalived-vip-117'));

  it('shows the symptom: after its server is quiesced and stopped, the pinned client\'s new connections still go there and fail; the doctor notes the setting', async () => {
    expect(await doctorNotes(cluster())).toContain('director-quiescent-templates@lvs');
    const pinned = await cluster().request({ count: 3 });
    const server = pinned[0]!.servedBy!;
    expect(pinned.map((outcome) => outcome.servedBy)).toEqual([server, server, server]);
    await editRealServer(cluster(), server, 0);
    await cluster().stopHttpServer(server);
    const after = await cluster().request({ count: 2, timeoutMs: 1_000 });
    expect(after.map((outcome) => outcome.ok)).toEqual([false, false]);
    expect(await templateTarget(cluster())).toBe(`${hostNamed(cluster().topology, server).address}:80`);
    await cluster().startHttpServer(server);
  });

  it('is gone with the fix: with expire_quiescent_template 1 the template expires and the next connection goes to the live server', async () => {
    await cluster().exec('lvs', ['sysctl', '-w', 'net.ipv4.vs.expire_quiescent_template=1']);
    expect(await doctorNotes(cluster())).not.toContain('director-quiescent-templates@lvs');
    const quiesced = (await templateTarget(cluster()))!;
    const name = cluster().topology.service.realServers.find((entry) => `${entry.address}:${entry.port}` === quiesced)!.host;
    await cluster().stopHttpServer(name);
    const after = await cluster().request({ count: 2, timeoutMs: 1_000 });
    const other = name === 'web1' ? 'web2' : 'web1';
    expect(after.map((outcome) => [outcome.ok, outcome.servedBy])).toEqual([
      [true, other],
      [true, other],
    ]);
  });
});
