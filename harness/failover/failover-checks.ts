// The failover assertions as `check` runs them: each takes a real server or a director down,
// measures what the client and the directors saw, brings it back, and judges both halves.
import type { Cluster } from '../cluster/cluster.js';
import type { AssertionName } from '../topology/topology.js';
import type { Verdict } from '../verdicts/verdict.js';
import { judgeVipHandover } from './failover-director.js';
import { judgeRealServerFailover, judgeRealServerReturn } from './failover-real-server.js';
import { measureDirectorFailover, measureDirectorReturn } from './measure-director-failover.js';
import { measureRealServerFailover, measureRealServerReturn } from './measure-real-server-failover.js';

/** The verdicts of the failover assertions in `wanted`, real servers first, then directors. */
export async function runFailoverChecks(cluster: Cluster, wanted: ReadonlySet<AssertionName>, progress: (message: string) => void): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  if (wanted.has('real-server-failover')) {
    const server = cluster.topology.service.realServers[0]!.host;
    progress(`real-server failover: stopping ${server}'s HTTP server, waiting for keepalived, starting it again`);
    verdicts.push(judgeRealServerFailover(cluster.topology, await measureRealServerFailover(cluster, server)));
    verdicts.push(judgeRealServerReturn(cluster.topology, await measureRealServerReturn(cluster, server)));
  }
  if (wanted.has('director-failover')) {
    const [master] = await cluster.vipHolders();
    progress(`director failover: stopping ${master ?? 'the master'}'s keepalived, waiting for the backup, starting it again`);
    verdicts.push(judgeVipHandover(cluster.topology, await measureDirectorFailover(cluster, { fault: 'keepalived-stopped' })));
    if (master) verdicts.push(judgeVipHandover(cluster.topology, await measureDirectorReturn(cluster, master, { fault: 'keepalived-stopped' })));
  }
  return verdicts;
}
