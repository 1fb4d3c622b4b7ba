// Who holds the VIP: which directors have it on their uplink (what VRRP moves), and which
// director the client's ARP cache sends it to (what gratuitous ARP changes). Asked with
// `ip -n NS -j`, one process per namespace and no `ip netns exec`.
import type { ClusterPlan } from '../plan/cluster-plan.js';
import { namespaceOf } from '../plan/cluster-plan.js';
import type { ProcessRunner } from '../process/process-runner.js';
import { clientHost, hostsWithRole } from '../topology/topology.js';

/** The IPv4 addresses in `ip -j addr show` output. */
export function ipv4AddressesInIpJson(json: string): string[] {
  const links = JSON.parse(json || '[]') as Array<{ addr_info?: Array<{ family?: string; local?: string }> }>;
  return links.flatMap((link) => (link.addr_info ?? []).filter((info) => info.family === 'inet' && info.local).map((info) => info.local!));
}

/** The link-layer address `ip -j neigh show` holds for an address, if it holds a usable one. */
export function neighbourMacInIpJson(json: string, address: string): string | undefined {
  const entries = JSON.parse(json || '[]') as Array<{ dst?: string; lladdr?: string; state?: string[] }>;
  const entry = entries.find((candidate) => candidate.dst === address && candidate.lladdr && !candidate.state?.includes('FAILED'));
  return entry?.lladdr?.toLowerCase();
}

/** The directors whose uplink holds the VIP now, in topology order. */
export async function directorsHoldingVip(runner: ProcessRunner, plan: ClusterPlan): Promise<string[]> {
  const { vip } = plan.topology.service;
  const directors = hostsWithRole(plan.topology, 'director');
  const holding = await Promise.all(
    directors.map(async (director) => {
      const shown = await runner.run(['ip', '-n', namespaceOf(plan, director.name), '-j', 'addr', 'show', 'dev', plan.uplink]);
      return ipv4AddressesInIpJson(shown.stdout).includes(vip);
    }),
  );
  return directors.filter((_, index) => holding[index]).map((director) => director.name);
}

/** The MAC the client's ARP cache sends the VIP to, or undefined when it has none. */
export async function clientMacForVip(runner: ProcessRunner, plan: ClusterPlan): Promise<string | undefined> {
  const { vip } = plan.topology.service;
  const shown = await runner.run(['ip', '-n', namespaceOf(plan, clientHost(plan.topology).name), '-j', 'neigh', 'show', vip]);
  return neighbourMacInIpJson(shown.stdout, vip);
}
