// The `ip -batch` scripts that build the network: one script per namespace, so a whole host
// costs one process start (about 70 ms each inside User-Mode Linux).
import { configuratorSets, type Host, GRE_DEVICE, vipDevice } from '../topology/topology.js';
import { allNamespaces, namespaceOf, switchPortName, type ClusterPlan } from './cluster-plan.js';

/** Creates every namespace of the run; runs in the root namespace. */
export function renderNamespaceBatch(plan: ClusterPlan): string {
  return lines(allNamespaces(plan).map((namespace) => `netns add ${namespace}`));
}

/** Deletes the run's namespaces; run with -force so one missing namespace does not stop the rest. */
export function renderNamespaceRemovalBatch(namespaces: readonly string[]): string {
  return lines([...namespaces].reverse().map((namespace) => `netns del ${namespace}`));
}

/** The L2 segment: a bridge, and one veth pair per host whose far end lands in the host. */
export function renderSwitchBatch(plan: ClusterPlan): string {
  const mtu = plan.topology.segment.mtu;
  const commands = ['link set lo up', `link add ${plan.bridge} mtu ${mtu} type bridge`, `link set ${plan.bridge} up`];
  for (const host of plan.topology.hosts) {
    const port = switchPortName(host.name);
    commands.push(
      `link add ${port} mtu ${host.mtu} type veth peer name ${plan.uplink} mtu ${host.mtu} netns ${namespaceOf(plan, host.name)}`,
      `link set ${port} master ${plan.bridge}`,
      `link set ${port} up`,
    );
  }
  return lines(commands);
}

/** A host's own addresses and links, by role. */
export function renderHostBatch(plan: ClusterPlan, host: Host): string {
  const { service, segment } = plan.topology;
  const { vip } = service;
  const uplink = plan.uplink;
  const commands = [
    'link set lo up',
    `link set ${uplink} address ${host.mac}`,
    `addr add ${host.address}/${segment.prefixLength} dev ${uplink}`,
    // The client's extra addresses: its connections come from each in turn.
    ...host.extraAddresses.map((address) => `addr add ${address}/${segment.prefixLength} dev ${uplink}`),
    // The IPv6 side, usable at once: duplicate address detection would hold it back a second.
    ...(host.address6 !== undefined ? [`addr add ${host.address6}/${segment.prefixLength6} dev ${uplink} nodad`] : []),
    `link set ${uplink} up`,
  ];
  const vipPrefix = service.family === 'ipv6' ? 128 : 32;
  // An IPv6 VIP: usable at once (no duplicate address detection), and deprecated, so that the
  // kernel never picks it as the source of the host's own packets (the director's tunnel to a
  // real server would leave from the VIP, which the real server holds too, and be dropped).
  const vipFlags = service.family === 'ipv6' ? ' nodad preferred_lft 0' : '';
  // A configurator that sets the VIP or the tunnel does it itself, wrongly too if it is wrong.
  if (host.role === 'director' && !service.vrrp && !configuratorSets(host, 'vip')) {
    // /32 (/128): the VIP is the director's to answer ARP (NDP) for, and must not add a second subnet route.
    // With VRRP, keepalived adds it on the master only, and moves it.
    commands.push(`addr add ${vip}/${vipPrefix} dev ${uplink}${vipFlags}`);
  }
  if (host.role === 'real-server' && !configuratorSets(host, 'tunnel')) {
    // The walkthrough puts the VIP on tunl0 as /24; /32 avoids a subnet route through the
    // tunnel that would compete with the uplink's for replies to the client. An IPv6 VIP goes
    // on the device that takes its tunnel out: ip6tnl0 (over IPv6) or sit0 (over IPv4).
    const device = vipDevice(service);
    commands.push(`link set ${device} up`, `addr add ${vip}/${vipPrefix} dev ${device}${vipFlags}`);
    // GRE arrives on a GRE device of the real server's own, with the director's checksum flag
    // (the VIP on tunl0 is local all the same); GUE is UDP to its port, which fou opens and
    // hands the IP-in-IP inside to tunl0.
    const { tunnel } = service;
    if (tunnel.type === 'gre') {
      commands.push(`link add name ${GRE_DEVICE} type gre local ${host.address}${tunnel.checksum === 'csum' ? ' icsum' : ''}`, `link set ${GRE_DEVICE} up`);
    }
    if (tunnel.type === 'gue') commands.push(`fou add port ${tunnel.port} gue`);
  }
  return lines(commands);
}

function lines(commands: readonly string[]): string {
  return `${commands.join('\n')}\n`;
}

/** tc-netem on the host's uplink, or undefined when the host has no impairments. */
export function netemCommand(plan: ClusterPlan, host: Host): string[] | undefined {
  const { netem } = host;
  if (!netem || (!netem.delay && !netem.loss)) return undefined;
  const argv = ['tc', '-n', namespaceOf(plan, host.name), 'qdisc', 'add', 'dev', plan.uplink, 'root', 'netem'];
  if (netem.delay) argv.push('delay', netem.delay, ...(netem.jitter ? [netem.jitter] : []));
  if (netem.loss) argv.push('loss', netem.loss);
  return argv;
}
