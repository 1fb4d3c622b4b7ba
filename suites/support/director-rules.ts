// Changing a live director's rule for one real server, as an operator or a controller does
// mid-run (a weight set to 0 to drain it, another tunnel type): `ipvsadm -e` on the director.
import { hostPort } from '../../harness/topology/ipv6.js';
import type { Cluster } from '../../harness/library/index.js';

/** Rewrites a tunnel-mode real server's rule: its weight, and any further flags (`--tun-type gre`). */
export async function editRealServer(cluster: Cluster, host: string, weight: number, flags: readonly string[] = []): Promise<void> {
  const { vip, port, realServers } = cluster.topology.service;
  const server = realServers.find((entry) => entry.host === host);
  if (!server) throw new Error(`${host} is not a real server of ${cluster.topology.name}`);
  await cluster.exec(cluster.director.name, ['ipvsadm', '-e', '-t', hostPort(vip, port), '-r', hostPort(server.address, server.port), '-i', '-w', String(weight), ...flags]);
}
