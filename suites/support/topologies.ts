// The topologies the kernel suites build: the seed's, and variants broken in one way each.
import { fileURLToPath } from 'node:url';
import { loadTopologyFile, type ForwardingMethod, type Host, type Topology } from '../../harness/library/index.js';

export const SEED_TOPOLOGY_FILE = fileURLToPath(new URL('../../fixtures/topologies/seed-tun.yaml', import.meta.url));

/** The walkthrough's cluster. */
export function seedTopology(): Promise<Topology> {
  return loadTopologyFile(SEED_TOPOLOGY_FILE);
}

/** A copy of a topology with one host changed: how a suite breaks a cluster in one way. */
export function withHost(topology: Topology, name: string, change: (host: Host) => Partial<Host>): Topology {
  return {
    ...topology,
    hosts: topology.hosts.map((host) => (host.name === name ? { ...host, ...change(host) } : host)),
  };
}

/** A copy of a topology whose director forwards every real server with another method. */
export function withForwarding(topology: Topology, forwarding: ForwardingMethod): Topology {
  return {
    ...topology,
    service: { ...topology.service, realServers: topology.service.realServers.map((server) => ({ ...server, forwarding })) },
  };
}
