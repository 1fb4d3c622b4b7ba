// Names for everything a run creates, derived from a per-run id so two runs never collide and
// a crashed run's leftovers can be told from a live run's.
import { randomBytes } from 'node:crypto';
import type { Topology } from '../topology/topology.js';

/** Every namespace the harness makes starts with this, and nothing else does. */
export const NAMESPACE_PREFIX = 'lvsh-';

export interface ClusterPlan {
  runId: string;
  topology: Topology;
  /** The namespace holding the bridge that joins every host (the L2 segment). */
  switchNamespace: string;
  bridge: string;
  /** Host name to namespace name. */
  hostNamespaces: Map<string, string>;
  /** The host-side uplink every host gets. */
  uplink: string;
}

/** A short random id: 8 hex digits keep namespace names short and collisions negligible. */
export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

/** Names everything a run will create; pure, so it is tested without root. */
export function planCluster(topology: Topology, runId: string): ClusterPlan {
  const namespaceOf = (suffix: string) => `${NAMESPACE_PREFIX}${runId}-${suffix}`;
  return {
    runId,
    topology,
    // Host names cannot contain "--", so this cannot collide with a host's namespace.
    switchNamespace: namespaceOf('-lan'),
    bridge: 'br0',
    hostNamespaces: new Map(topology.hosts.map((host) => [host.name, namespaceOf(host.name)])),
    uplink: 'eth0',
  };
}

/** The bridge-side end of a host's veth pair; host names are at most 12 characters. */
export function switchPortName(hostName: string): string {
  return `v-${hostName}`;
}

/** The namespace of a host, or an error naming the host if the plan has none. */
export function namespaceOf(plan: ClusterPlan, hostName: string): string {
  const namespace = plan.hostNamespaces.get(hostName);
  if (!namespace) throw new Error(`cluster ${plan.runId} has no host named ${hostName}`);
  return namespace;
}

/** All namespaces of the run, in creation order (switch first). */
export function allNamespaces(plan: ClusterPlan): string[] {
  return [plan.switchNamespace, ...plan.hostNamespaces.values()];
}
