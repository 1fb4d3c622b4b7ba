// Reads what the doctor judges from a live cluster: two processes per host (ip -j addr, one
// sysctl) and ipvsadm-save on the director.
import type { ProcessRunner } from '../process/process-runner.js';
import { namespaceOf, type ClusterPlan } from '../cluster/cluster-plan.js';
import { clientHost, hostsWithRole } from '../topology/topology.js';
import { DOCTOR_SYSCTL_PATTERN, parseIpAddrJson, parseRouteGetJson, parseSysctlLines, type HostState } from './host-state.js';
import type { ClusterState } from './diagnose.js';

/** Reads every host's links and sysctls, and the director's IPVS rules. */
export async function readClusterState(runner: ProcessRunner, plan: ClusterPlan): Promise<ClusterState> {
  const entries = await Promise.all(
    plan.topology.hosts.map(async (host): Promise<[string, HostState]> => {
      const netns = namespaceOf(plan, host.name);
      const [addresses, sysctls] = await Promise.all([
        runner.run(['ip', '-j', '-n', netns, 'addr', 'show']),
        runner.run(['sysctl', '-a', '-r', DOCTOR_SYSCTL_PATTERN], { netns }),
      ]);
      const state: HostState = { links: parseIpAddrJson(addresses.stdout), sysctls: parseSysctlLines(sysctls.stdout) };
      if (host.role === 'real-server') {
        // The route a reply takes: from the VIP back to the client.
        const client = clientHost(plan.topology).address;
        const route = await runner.run(['ip', '-j', '-n', netns, 'route', 'get', client, 'from', plan.topology.service.vip], { allowFailure: true });
        state.replyRoute = { device: route.exitCode === 0 ? parseRouteGetJson(route.stdout) : undefined };
      }
      return [host.name, state];
    }),
  );
  const director = hostsWithRole(plan.topology, 'director')[0];
  const ipvsSave = director ? (await runner.run(['ipvsadm-save', '-n'], { netns: namespaceOf(plan, director.name) })).stdout : undefined;
  return { hosts: new Map(entries), ipvsSave, prefixFor: (host) => ['ip', 'netns', 'exec', namespaceOf(plan, host)] };
}
