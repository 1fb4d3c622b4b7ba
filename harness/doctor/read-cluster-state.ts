// Reads what the doctor judges from a live cluster: two processes per host (ip -j addr, one
// sysctl) and ipvsadm-save on the director.
import type { ProcessRunner } from '../process/process-runner.js';
import { namespaceOf, type ClusterPlan } from '../cluster/cluster-plan.js';
import { hostsWithRole } from '../topology/topology.js';
import { DOCTOR_SYSCTL_PATTERN, parseIpAddrJson, parseSysctlLines, type HostState } from './host-state.js';
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
      return [host.name, { links: parseIpAddrJson(addresses.stdout), sysctls: parseSysctlLines(sysctls.stdout) }];
    }),
  );
  const director = hostsWithRole(plan.topology, 'director')[0];
  const ipvsSave = director ? (await runner.run(['ipvsadm-save', '-n'], { netns: namespaceOf(plan, director.name) })).stdout : undefined;
  return { hosts: new Map(entries), ipvsSave, prefixFor: (host) => ['ip', 'netns', 'exec', namespaceOf(plan, host)] };
}
