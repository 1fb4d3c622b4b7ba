// Reads what the doctor judges from a live cluster: per host its links and the sysctls, on real
// servers also the reply route (and GUE's fou ports), on directors their IPVS rules. One
// process per host, all hosts at once: inside User-Mode Linux a process costs tens of
// milliseconds (kernel-state/host-snapshot.ts).
import type { ProcessRunner } from '../process/process-runner.js';
import { namespaceOf, type ClusterPlan } from '../plan/cluster-plan.js';
import { clientAddresses, type Host } from '../topology/topology.js';
import { readHostSnapshot } from '../kernel-state/read-kernel-state.js';
import { DOCTOR_SYSCTL_FILES, type HostState } from './host-state.js';
import type { ClusterState } from './diagnose.js';

/** Reads every host's links and sysctls, and each director's own IPVS rules (a VRRP backup's too). */
export async function readClusterState(runner: ProcessRunner, plan: ClusterPlan): Promise<ClusterState> {
  const read = await Promise.all(plan.topology.hosts.map(async (host) => [host, await readHostState(runner, plan, host)] as const));
  return {
    hosts: new Map(read.map(([host, { state }]) => [host.name, state])),
    ipvsSaves: new Map(read.flatMap(([host, { ipvsRules }]) => (ipvsRules !== undefined ? [[host.name, ipvsRules] as const] : []))),
    uplink: plan.uplink,
    prefixFor: (host) => ['ip', 'netns', 'exec', namespaceOf(plan, host)],
  };
}

async function readHostState(runner: ProcessRunner, plan: ClusterPlan, host: Host): Promise<{ state: HostState; ipvsRules?: string }> {
  const realServer = host.role === 'real-server';
  const snapshot = await readHostSnapshot(
    { runner, netns: namespaceOf(plan, host.name) },
    {
      sysctlFiles: DOCTOR_SYSCTL_FILES,
      // The route a reply takes on a real server: from the VIP back to the client.
      ...(realServer && { routeGet: { to: clientAddresses(plan.topology)[0]!, from: plan.topology.service.vip } }),
      // Where GUE carries the tunnel, which UDP ports decapsulate it.
      fou: realServer && plan.topology.service.tunnel.type === 'gue',
      ipvsRules: host.role === 'director',
    },
  );
  const state: HostState = {
    links: snapshot.links,
    sysctls: snapshot.sysctls,
    ...(realServer && { replyRoute: { device: snapshot.routeDevice } }),
    ...(snapshot.fouPorts && { fouPorts: snapshot.fouPorts }),
  };
  return { state, ...(snapshot.ipvsRules !== undefined && { ipvsRules: snapshot.ipvsRules }) };
}
