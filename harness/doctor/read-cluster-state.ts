// Reads what the doctor judges from a live cluster: per host ip -j addr and one sysctl, on real
// servers also the reply route, and ipvsadm-save on the director, all at once (each read is a
// process, and inside User-Mode Linux a process costs tens of milliseconds).
import type { ProcessRunner } from '../process/process-runner.js';
import { namespaceOf, type ClusterPlan } from '../plan/cluster-plan.js';
import { clientHost, hostsWithRole, type Host } from '../topology/topology.js';
import { DOCTOR_SYSCTL_PATTERN, parseIpAddrJson, parseRouteGetJson, parseSysctlLines, type HostState } from './host-state.js';
import type { ClusterState } from './diagnose.js';

/** Reads every host's links and sysctls, and each director's own IPVS rules (a VRRP backup's too). */
export async function readClusterState(runner: ProcessRunner, plan: ClusterPlan): Promise<ClusterState> {
  const directors = hostsWithRole(plan.topology, 'director');
  const [entries, saves] = await Promise.all([
    Promise.all(plan.topology.hosts.map(async (host): Promise<[string, HostState]> => [host.name, await readHostState(runner, plan, host)])),
    Promise.all(directors.map(async (director): Promise<[string, string]> => [director.name, (await runner.run(['ipvsadm-save', '-n'], { netns: namespaceOf(plan, director.name) })).stdout])),
  ]);
  return { hosts: new Map(entries), ipvsSaves: new Map(saves), prefixFor: (host) => ['ip', 'netns', 'exec', namespaceOf(plan, host)] };
}

async function readHostState(runner: ProcessRunner, plan: ClusterPlan, host: Host): Promise<HostState> {
  const netns = namespaceOf(plan, host.name);
  const [addresses, sysctls, replyRoute] = await Promise.all([
    runner.run(['ip', '-j', '-n', netns, 'addr', 'show']),
    runner.run(['sysctl', '-a', '-r', DOCTOR_SYSCTL_PATTERN], { netns }),
    host.role === 'real-server' ? readReplyRoute(runner, plan, netns) : undefined,
  ]);
  return { links: parseIpAddrJson(addresses.stdout), sysctls: parseSysctlLines(sysctls.stdout), ...(replyRoute && { replyRoute }) };
}

/** The route a reply takes on a real server: from the VIP back to the client. */
async function readReplyRoute(runner: ProcessRunner, plan: ClusterPlan, netns: string): Promise<NonNullable<HostState['replyRoute']>> {
  const client = clientHost(plan.topology).address;
  const route = await runner.run(['ip', '-j', '-n', netns, 'route', 'get', client, 'from', plan.topology.service.vip], { allowFailure: true });
  return { device: route.exitCode === 0 ? parseRouteGetJson(route.stdout) : undefined };
}
