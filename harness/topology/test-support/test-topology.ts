// The seed walkthrough's topology for unit tests, built in code with the real servers asked for.
import { validateTopologyData } from '../load-topology.js';
import type { Topology } from '../topology.js';

const ADDRESSES: Record<string, string> = { web1: '192.168.73.110', web2: '192.168.73.111', web3: '192.168.73.112' };

/**
 * client .50, director lvs .100, VIP .120, and the named real servers (web1 .110, web2 .111,
 * web3 .112); `service` adds fields of the file's service section (e.g. rulesFrom: keepalived).
 */
export function testTopology(realServers: readonly string[] = ['web1', 'web2'], service: Record<string, unknown> = {}): Topology {
  return validateTopologyData({
    segment: { subnet: '192.168.73.0/24' },
    hosts: {
      client: { role: 'client', address: '192.168.73.50' },
      lvs: { role: 'director', address: '192.168.73.100' },
      ...Object.fromEntries(realServers.map((name) => [name, { role: 'real-server', address: ADDRESSES[name] }])),
    },
    service: { vip: '192.168.73.120', realServers: realServers.map((host) => ({ host })), ...service },
  });
}
