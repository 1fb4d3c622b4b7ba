// The contract a user's configurator runs under: what it is told about the cluster, as
// environment variables (the names are documented in the README, "Your own configurator"), and
// the whole resolved topology as JSON in a file. Pure, so the contract is tested without root.
import type { Host, Topology } from '../topology/topology.js';
import { hostsWithRole } from '../topology/topology.js';
import { namespaceOf, type ClusterPlan } from './cluster-plan.js';

/** Every variable of the contract, with what it holds; the README's table is this list. */
export const CONFIGURATOR_VARIABLES = {
  LVS_HARNESS_TOPOLOGY_JSON: 'the resolved topology (every default filled in) as a JSON file',
  LVS_HARNESS_HOST: 'the host it configures (its name in the topology)',
  LVS_HARNESS_ROLE: 'director or real-server',
  LVS_HARNESS_NAMESPACE: 'the network namespace it runs in (already entered)',
  LVS_HARNESS_UPLINK: "the host's interface on the segment (eth0)",
  LVS_HARNESS_ADDRESS: "the host's own address on the segment",
  LVS_HARNESS_PREFIX_LENGTH: "the segment's prefix length (24)",
  LVS_HARNESS_VIP: 'the virtual IP',
  LVS_HARNESS_PORT: "the virtual service's port",
  LVS_HARNESS_PROTOCOL: 'tcp or udp',
  LVS_HARNESS_TUNNEL: "the tunnel-mode real servers' encapsulation: ipip, gue:PORT or gre",
  LVS_HARNESS_SCHEDULER: 'the scheduler the topology declares (rr, wlc, ...)',
  LVS_HARNESS_PERSISTENCE: 'seconds of persistence, or empty for none',
  LVS_HARNESS_REAL_SERVERS: 'the real servers, space-separated, each address:port:weight:forwarding (forwarding is tunnel, direct-routing or nat)',
  LVS_HARNESS_DIRECTORS: "the directors' addresses, space-separated",
  LVS_HARNESS_RUN_DIR: 'the run folder, for files it wants to leave as evidence',
} as const;

export type ConfiguratorVariable = keyof typeof CONFIGURATOR_VARIABLES;

/** The variables for one host's configurator; the topology file is written by the caller. */
export function configuratorEnvironment(plan: ClusterPlan, host: Host, paths: { topologyJson: string; runDir: string }): Record<ConfiguratorVariable, string> & Record<string, string> {
  const { topology } = plan;
  const { service } = topology;
  return {
    ...host.configurator?.env,
    LVS_HARNESS_TOPOLOGY_JSON: paths.topologyJson,
    LVS_HARNESS_HOST: host.name,
    LVS_HARNESS_ROLE: host.role,
    LVS_HARNESS_NAMESPACE: namespaceOf(plan, host.name),
    LVS_HARNESS_UPLINK: plan.uplink,
    LVS_HARNESS_ADDRESS: host.address,
    LVS_HARNESS_PREFIX_LENGTH: String(topology.segment.prefixLength),
    LVS_HARNESS_VIP: service.vip,
    LVS_HARNESS_PORT: String(service.port),
    LVS_HARNESS_PROTOCOL: service.protocol,
    LVS_HARNESS_TUNNEL: service.tunnel.type === 'gue' ? `gue:${service.tunnel.port}` : service.tunnel.type,
    LVS_HARNESS_SCHEDULER: service.scheduler,
    LVS_HARNESS_PERSISTENCE: service.persistence === undefined ? '' : String(service.persistence),
    LVS_HARNESS_REAL_SERVERS: service.realServers.map((server) => `${server.address}:${server.port}:${server.weight}:${server.forwarding}`).join(' '),
    LVS_HARNESS_DIRECTORS: hostsWithRole(topology, 'director').map((director) => director.address).join(' '),
    LVS_HARNESS_RUN_DIR: paths.runDir,
  };
}

/** The topology as the configurator reads it: plain JSON of the resolved data. */
export function topologyJson(topology: Topology): string {
  return `${JSON.stringify(topology, null, 2)}\n`;
}
