// Who holds the VIP: which directors have it on their uplink (what VRRP moves), and which
// director the client's ARP cache sends it to (what gratuitous ARP changes). Asked with
// `ip -n NS -j`, one process per namespace and no `ip netns exec`.
import type { ClusterPlan } from '../plan/cluster-plan.js';
import { namespaceOf } from '../plan/cluster-plan.js';
import type { ProcessRunner } from '../process/process-runner.js';
import { clientHost, hostsWithRole } from '../topology/topology.js';
import { readIpv4Addresses, readNeighbourMac } from '../kernel-state/read-kernel-state.js';

/** The directors whose uplink holds the VIP now, in topology order. */
export async function directorsHoldingVip(runner: ProcessRunner, plan: ClusterPlan): Promise<string[]> {
  const { vip } = plan.topology.service;
  const directors = hostsWithRole(plan.topology, 'director');
  const holding = await Promise.all(
    directors.map(async (director) => {
      return (await readIpv4Addresses({ runner, netns: namespaceOf(plan, director.name) }, plan.uplink)).includes(vip);
    }),
  );
  return directors.filter((_, index) => holding[index]).map((director) => director.name);
}

/** The MAC the client's ARP cache sends the VIP to, or undefined when it has none. */
export async function clientMacForVip(runner: ProcessRunner, plan: ClusterPlan): Promise<string | undefined> {
  const { vip } = plan.topology.service;
  return readNeighbourMac({ runner, netns: namespaceOf(plan, clientHost(plan.topology).name) }, vip);
}
