// kubernetes #81775 (fixtures/bugs/kubernetes-81775.yaml): conn_reuse_mode 0 on the director.
// Symptom: a client reusing a source port keeps reaching the real server whose weight was set
// to 0, while fresh ports go to the other. Fix: expire_nodest_conn 1, under which this kernel
// schedules such a SYN afresh even with conn_reuse_mode 0.
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../harness/library/index.js';
import { doctorNotes, loadBugReport } from '../support/bug-reports.js';
import { useCluster } from '../support/use-cluster.js';
import { editRealServer } from '../support/director-rules.js';

// Outside the range the harness picks ports from (10000-29999): no other request of the run has them.
const BROKEN_PORT = 31_100;
const FIXED_PORT = 31_200;

/** One request from `port`, then that real server set to weight 0; returns it and the other. */
async function drainWhatPortReached(cluster: Cluster, port: number): Promise<{ drained: string; other: string }> {
  const [first] = await cluster.request({ count: 1, fromPort: port });
  expect(first!.ok, first!.error).toBe(true);
  const drained = first!.servedBy!;
  await editRealServer(cluster, drained, 0);
  return { drained, other: drained === 'web1' ? 'web2' : 'web1' };
}

async function restoreWeights(cluster: Cluster): Promise<void> {
  for (const server of cluster.topology.service.realServers) await editRealServer(cluster, server.host, server.weight);
}

describe('kubernetes#81775: conn_reuse_mode 0 sends a reused client port to a real server at weight 0', () => {
  const cluster = useCluster(() => loadBugReport('kubernetes-81775'));

  it('shows the symptom: every new connection from the reused port reaches the weight-0 server; fresh ports do not; the doctor notes the setting', async () => {
    expect(await doctorNotes(cluster())).toContain('director-conn-reuse-mode@lvs');
    const { drained, other } = await drainWhatPortReached(cluster(), BROKEN_PORT);
    const reused = await cluster().request({ count: 3, fromPort: BROKEN_PORT });
    expect(reused.map((outcome) => outcome.servedBy)).toEqual([drained, drained, drained]);
    const fresh = await cluster().request({ count: 2 });
    expect(fresh.map((outcome) => outcome.servedBy)).toEqual([other, other]);
    await restoreWeights(cluster());
  });

  it('is gone with the fix: with expire_nodest_conn 1 the reused port is scheduled afresh, to the other server', async () => {
    await cluster().exec('lvs', ['sysctl', '-w', 'net.ipv4.vs.expire_nodest_conn=1']);
    expect(await doctorNotes(cluster())).not.toContain('director-conn-reuse-mode@lvs');
    const { other } = await drainWhatPortReached(cluster(), FIXED_PORT);
    const reused = await cluster().request({ count: 3, fromPort: FIXED_PORT });
    expect(reused.map((outcome) => outcome.servedBy)).toEqual([other, other, other]);
  });
});
