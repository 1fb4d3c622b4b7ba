// keepalived #1225 (fixtures/bugs/keepalived-1225.yaml): two keepalived directors in TUN mode.
// Symptom: without the sync daemon, the master failing resets the clients' established
// connections (the backup has no entry for them). Fix: lvs_sync_daemon (service.vrrp.syncDaemon):
// the backup holds the master's entries, and the connection survives the failover.
import { describe, expect, it } from 'vitest';
import { waitFor, type Cluster, type Topology } from '../../harness/library/index.js';
import { entriesFromPort, loadBugReport } from '../support/bug-reports.js';
import { useCluster } from '../support/use-cluster.js';

/** The master's keepalived stops (SIGTERM: it gives up the VIP), and lvs2 takes over. */
async function failMaster(cluster: Cluster): Promise<void> {
  await cluster.keepalived!.stop('lvs1', 'SIGTERM');
  await waitFor(
    async () => {
      const holders = await cluster.vipHolders();
      if (holders.join() !== 'lvs2') throw new Error(`the VIP is on ${holders.join(', ') || 'no director'}`);
    },
    { timeoutMs: 15_000, awaiting: 'lvs2 to take the VIP' },
  );
}

function withSync(topology: Topology): Topology {
  return { ...topology, service: { ...topology.service, vrrp: { ...topology.service.vrrp!, syncDaemon: true } } };
}

describe('keepalived#1225: a TUN director failover without the sync daemon', () => {
  const cluster = useCluster(() => loadBugReport('keepalived-1225'));

  it('shows the symptom: the backup has no entry for an established connection, and the connection is reset after the failover', async () => {
    const flow = await cluster().openFlow();
    expect(await entriesFromPort(cluster(), 'lvs2', flow.localPort!)).toEqual([]);
    await failMaster(cluster());
    const after = await flow.ask(3_000);
    expect(after.state, after.error).toBe('reset');
  });
});

describe('keepalived#1225 fixed: lvs_sync_daemon between the directors', () => {
  const cluster = useCluster(async () => withSync(await loadBugReport('keepalived-1225')));

  it('copies the connection to the backup, and the connection survives the failover on the same real server', async () => {
    const flow = await cluster().openFlow();
    await waitFor(
      async () => {
        const synced = await entriesFromPort(cluster(), 'lvs2', flow.localPort!);
        if (synced.length === 0) throw new Error('lvs2 holds no entry for it yet');
      },
      { timeoutMs: 10_000, awaiting: `lvs2 to receive the connection from client port ${flow.localPort} by the sync daemon` },
    );
    await failMaster(cluster());
    const after = await flow.ask(3_000);
    expect(after.state, after.error).toBe('survived');
    expect(after.servedBy).toBe(flow.servedBy);
    await flow.close();
  });
});
