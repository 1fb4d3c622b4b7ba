// Sets keepalived's view of the real servers (the director's table) beside the client's: the
// requests made to the VIP, and which real server IPVS gave each of those connections (new
// entries of the director's connection table, answered or not). Judged by
// harness/failover/failover-health-agreement.
import type { Cluster } from '../cluster/cluster.js';
import type { HealthAgreementObservation } from './failover-health-agreement.js';
import { countByRealServer, newConnections } from '../kernel-state/ipvs-connections.js';
import { realServerState } from '../kernel-state/ipvs-save.js';
import { readIpvsConnections, readIpvsRealServers } from '../kernel-state/read-kernel-state.js';
import { hostNamed } from '../topology/topology.js';
import { activeDirector } from './measure-real-server-failover.js';

export async function observeHealthAgreement(cluster: Cluster, options: { count?: number; requestTimeoutMs?: number } = {}): Promise<HealthAgreementObservation> {
  const director = await activeDirector(cluster);
  const connections = () => readIpvsConnections(cluster.namespaceReader(director));
  const before = await connections();
  const outcomes = await cluster.request({ count: options.count ?? 2 * cluster.topology.service.realServers.length, timeoutMs: options.requestTimeoutMs ?? 1_500 });
  const fresh = newConnections(before, await connections()).filter((connection) => connection.client.startsWith(`${cluster.client.address}:`));
  const entries = await readIpvsRealServers(cluster.namespaceReader(director));
  const byRealServer = countByRealServer(fresh);
  const servers = cluster.topology.service.realServers.map((server) => ({ server: server.host, key: `${hostNamed(cluster.topology, server.host).address}:${server.port}` }));
  return {
    table: servers.map(({ server, key }) => ({ server, state: realServerState(entries, key) })),
    connectionsGiven: new Map(servers.map(({ server, key }) => [server, byRealServer.get(key) ?? 0])),
    outcomes,
  };
}
