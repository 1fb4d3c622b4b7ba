// Reads what the doctor judges from a live cluster: per host its links and the sysctls, on real
// servers also the reply route, and each director's IPVS rules, all at once (each read is a
// process, and inside User-Mode Linux a process costs tens of milliseconds).
import type { ProcessRunner } from '../process/process-runner.js';
import { namespaceOf, type ClusterPlan } from '../plan/cluster-plan.js';
import { clientAddresses, hostsWithRole, type Host } from '../topology/topology.js';
import { readFouPorts, readIpvsRules, readLinks, readRouteDevice, readSysctls, type NamespaceReader } from '../kernel-state/read-kernel-state.js';
import { DOCTOR_SYSCTL_PATTERN, type HostState } from './host-state.js';
import type { ClusterState } from './diagnose.js';

/** Reads every host's links and sysctls, and each director's own IPVS rules (a VRRP backup's too). */
export async function readClusterState(runner: ProcessRunner, plan: ClusterPlan): Promise<ClusterState> {
  const reader = (host: string): NamespaceReader => ({ runner, netns: namespaceOf(plan, host) });
  const directors = hostsWithRole(plan.topology, 'director');
  const [entries, saves] = await Promise.all([
    Promise.all(plan.topology.hosts.map(async (host): Promise<[string, HostState]> => [host.name, await readHostState(reader(host.name), plan, host)])),
    Promise.all(directors.map(async (director): Promise<[string, string]> => [director.name, await readIpvsRules(reader(director.name))])),
  ]);
  return { hosts: new Map(entries), ipvsSaves: new Map(saves), uplink: plan.uplink, prefixFor: (host) => ['ip', 'netns', 'exec', namespaceOf(plan, host)] };
}

async function readHostState(reader: NamespaceReader, plan: ClusterPlan, host: Host): Promise<HostState> {
  // The route a reply takes on a real server: from the VIP back to the client.
  const gue = host.role === 'real-server' && plan.topology.service.tunnel.type === 'gue';
  const [links, sysctls, replyDevice, fouPorts] = await Promise.all([
    readLinks(reader),
    readSysctls(reader, DOCTOR_SYSCTL_PATTERN),
    host.role === 'real-server' ? readRouteDevice(reader, clientAddresses(plan.topology)[0]!, plan.topology.service.vip) : undefined,
    // Where GUE carries the tunnel, which UDP ports decapsulate it.
    gue ? readFouPorts(reader) : undefined,
  ]);
  return { links, sysctls, ...(host.role === 'real-server' && { replyRoute: { device: replyDevice } }), ...(fouPorts && { fouPorts }) };
}
