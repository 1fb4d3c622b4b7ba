// The doctor: reads a live cluster's kernel state against the known LVS-TUN pitfalls. Pure:
// each finding says what is wrong, why it breaks the tunnel, and the command that fixes it.
import { quoteArgument, quoteCommand } from '../process/command-error.js';
import { renderIpvsRestore } from '../plan/render-ipvs-rules.js';
import { describeIpvsTableDifference, ipvsTableDifference } from '../kernel-state/ipvs-table-difference.js';
import { GRE_DEVICE, hostsWithRole, ipvsTableExpected, vipDevice, type Host, type Topology } from '../topology/topology.js';
import type { HostState } from './host-state.js';

export type PitfallId =
  | 'tunl0-missing'
  | 'tunl0-down'
  | 'vip-missing-on-real-server'
  | 'replies-into-tunnel'
  | 'rp-filter-on-tunl0'
  | 'gre-device-down'
  | 'gue-port-closed'
  | 'arp-ignore'
  | 'arp-announce'
  | 'director-ip-forward'
  | 'director-send-redirects'
  | 'vip-missing-on-director'
  | 'ipvs-table-differs'
  | 'director-conn-reuse-mode'
  | 'director-quiescent-templates'
  | 'uplink-down';

/** Each pitfall in a few words, for `doctor --help` and the README (a Record: none can be left out). */
export const PITFALL_SUMMARIES: Record<PitfallId, string> = {
  'uplink-down': "a host's uplink down or missing",
  'tunl0-missing': 'tunl0 missing on a real server (no ipip)',
  'tunl0-down': "a real server's tunl0 down",
  'vip-missing-on-real-server': 'the VIP missing on a real server',
  'replies-into-tunnel': "a real server's replies to the client routed into tunl0 (or not routed at all)",
  'rp-filter-on-tunl0': "strict effective rp_filter on a real server's tunl0 (its GRE device's too, under GRE)",
  'gre-device-down': "a real server's GRE device (gre-lvs) missing or down, under a GRE tunnel",
  'gue-port-closed': "a real server with no fou port for the GUE tunnel's UDP port",
  'arp-ignore': 'arp_ignore below 1 on a real server (it answers ARP for the VIP)',
  'arp-announce': 'arp_announce below 2 on a real server (a note: LVS-TUN works without it)',
  'director-ip-forward': "the director's ip_forward off (a pitfall with NAT real servers, a note otherwise)",
  'director-send-redirects': "the director's send_redirects on (a note)",
  'vip-missing-on-director': 'the VIP missing on the only director',
  'ipvs-table-differs': "a director's IPVS table (each director's, a VRRP backup's too) that differs from the topology",
  'director-conn-reuse-mode': "the director's conn_reuse_mode 0 with expire_nodest_conn 0: a reused client port goes to its old real server, even at weight 0 (a note)",
  'director-quiescent-templates': "persistence with the director's expire_quiescent_template 0: a pinned client stays on a real server at weight 0 (a note)",
};

export interface Finding {
  pitfall: PitfallId;
  /**
   * `pitfall`: traffic fails as `why` says (each shown by a kernel suite). `note`: a setting
   * careful admins choose that LVS-TUN works without: printed, never failing a check.
   */
  severity: 'pitfall' | 'note';
  host: string;
  problem: string;
  why: string;
  /** The command that fixes it, run in the host's namespace. */
  fix: string;
}

export interface ClusterState {
  hosts: Map<string, HostState>;
  /** `ipvsadm-save -n` from each director, by name: each director's own table is judged. */
  ipvsSaves: Map<string, string>;
  /** The device every host reaches the segment through (the plan's uplink). */
  uplink: string;
  /** How a command is run in a host, for the fix lines (e.g. `ip netns exec NS`). */
  prefixFor: (host: string) => string[];
}

/** Every pitfall found; an empty list means none of the known ones. */
export function diagnoseCluster(topology: Topology, state: ClusterState): Finding[] {
  const findings: Finding[] = [];
  for (const host of topology.hosts) findings.push(...diagnoseUplink(host, state));
  for (const host of hostsWithRole(topology, 'real-server')) findings.push(...diagnoseRealServer(topology, host, state));
  for (const host of hostsWithRole(topology, 'director')) findings.push(...diagnoseDirector(topology, host, state));
  return findings;
}

/** What every check of one host needs: its state, its sysctls as numbers, its fix lines. */
function hostContext(host: Host, state: ClusterState) {
  const hostState = state.hosts.get(host.name);
  if (!hostState) return undefined;
  const sysctl = (key: string) => Number(hostState.sysctls[key] ?? 0);
  return {
    hostState,
    uplink: state.uplink,
    sysctl,
    /** The value the kernel uses for these: the larger of conf.all's and the interface's. */
    effective: (setting: string, iface: string) => Math.max(sysctl(`net.ipv4.conf.all.${setting}`), sysctl(`net.ipv4.conf.${iface}.${setting}`)),
    fix: (...argv: string[]) => quoteCommand([...state.prefixFor(host.name), ...argv]),
    holds: (address: string) => hostState.links.some((link) => link.addresses.some((cidr) => cidr.split('/')[0] === address)),
  };
}

/** Every host reaches the segment through its uplink: down (or gone), it sends and receives nothing. */
function diagnoseUplink(host: Host, state: ClusterState): Finding[] {
  const context = hostContext(host, state);
  if (!context) return [];
  const { uplink } = context;
  const link = context.hostState.links.find((candidate) => candidate.name === uplink);
  if (link?.up) return [];
  return [
    {
      pitfall: 'uplink-down',
      severity: 'pitfall',
      host: host.name,
      problem: link ? `${host.name}'s uplink ${uplink} is down` : `${host.name} has no uplink ${uplink}`,
      why: `${host.name} reaches the segment only through ${uplink}: ${host.role === 'real-server' ? 'the tunnelled packets never arrive and its replies never leave' : host.role === 'director' ? 'no connection reaches its IPVS' : 'it sends no connection at all'}`,
      fix: context.fix('ip', 'link', 'set', uplink, 'up'),
    },
  ];
}

function diagnoseRealServer(topology: Topology, host: Host, state: ClusterState): Finding[] {
  const context = hostContext(host, state);
  if (!context) return [];
  const { hostState, uplink, sysctl, effective, fix, holds } = context;
  const findings: Finding[] = [];
  const { vip } = topology.service;
  // The device the tunnel ends on and the VIP lives on: tunl0, or an IPv6 VIP's ip6tnl0 or sit0.
  const device = vipDevice(topology.service);
  const vipPrefix = topology.service.family === 'ipv6' ? 128 : 32;
  const tunl0 = hostState.links.find((link) => link.name === device);
  const module = { tunl0: 'ipip', ip6tnl0: 'ip6_tunnel', sit0: 'sit' }[device];

  if (!tunl0) {
    findings.push({
      pitfall: 'tunl0-missing',
      severity: 'pitfall',
      host: host.name,
      problem: `${host.name} has no ${device}`,
      why: `the director sends each connection inside ${device === 'tunl0' ? 'IP-in-IP' : device === 'ip6tnl0' ? 'IPv6-in-IPv6' : 'IPv4 (IPv6 inside IPv4)'}; without the ${module} module there is no ${device} to take the packets out of the tunnel, and they are dropped`,
      fix: `modprobe ${module}`,
    });
  } else if (!tunl0.up) {
    findings.push({
      pitfall: 'tunl0-down',
      severity: 'pitfall',
      host: host.name,
      problem: `${device} on ${host.name} is down`,
      why: `a down ${device} does not decapsulate: the tunnelled packets the director sends are dropped`,
      fix: fix('ip', 'link', 'set', device, 'up'),
    });
  }
  if (!holds(vip)) {
    findings.push({
      pitfall: 'vip-missing-on-real-server',
      severity: 'pitfall',
      host: host.name,
      problem: `${host.name} does not hold the VIP ${vip}`,
      why: 'the decapsulated packet is addressed to the VIP; a host that does not own it drops it (or forwards it) instead of answering',
      fix: fix('ip', 'addr', 'add', `${vip}/${vipPrefix}`, 'dev', device),
    });
  }
  // The walkthrough's VIP/24 on tunl0 adds a subnet route through the tunnel beside the
  // uplink's; once that one wins (the uplink's route re-added after it), replies go into tunl0.
  // Judged only where the VIP is held: without it there is no reply to route (a finding above).
  // Nor where the uplink is down: the missing route follows from that finding.
  const uplinkUp = hostState.links.find((link) => link.name === uplink)?.up === true;
  const reply = holds(vip) && uplinkUp ? hostState.replyRoute : undefined;
  /**
   * Runnable as printed: the VIP held with a wider prefix on tunl0 (the walkthrough's /24)
   * narrowed to /32, which takes its subnet route through the tunnel with it; any other
   * device's route to the segment deleted; the uplink's route put (back) in place.
   */
  const replyRouteFix = () => {
    const subnet = topology.service.family === 'ipv6' ? (topology.segment.subnet6 ?? topology.segment.subnet) : topology.segment.subnet;
    const wide = (tunl0?.addresses ?? []).filter((cidr) => cidr.startsWith(`${vip}/`) && cidr !== `${vip}/${vipPrefix}`);
    const steps = wide.map((cidr) => fix('ip', 'addr', 'del', cidr, 'dev', device));
    if (wide.length > 0 && !tunl0!.addresses.includes(`${vip}/${vipPrefix}`)) steps.push(fix('ip', 'addr', 'add', `${vip}/${vipPrefix}`, 'dev', device));
    if (wide.length === 0 && reply?.device && reply.device !== uplink) steps.push(fix('ip', 'route', 'del', subnet, 'dev', reply.device));
    steps.push(fix('ip', 'route', 'replace', subnet, 'dev', uplink));
    return steps.join(' && ');
  };
  if (reply && reply.device !== uplink) {
    const tunl0Mtu = tunl0?.mtu ?? 1480;
    findings.push({
      pitfall: 'replies-into-tunnel',
      severity: 'pitfall',
      host: host.name,
      problem: reply.device
        ? `${host.name} sends its replies from the VIP to the client through ${reply.device}, not its uplink ${uplink}`
        : `${host.name} has no route from the VIP back to the client`,
      why: reply.device
        ? `replies must go straight to the client on the uplink; tunl0 is an IP-in-IP device with no remote end (MTU ${tunl0Mtu}), so what it sends never reaches the client. A VIP with a /${topology.segment.prefixLength} on tunl0, as the walkthrough sets it, adds a route for ${topology.segment.subnet} through the tunnel that wins once the uplink's route is re-added`
        : 'a real server answers from the VIP straight to the client; without a route it cannot answer at all',
      fix: replyRouteFix(),
    });
  }
  // Reverse-path filtering is IPv4's: an IPv6 VIP's decapsulated packets are not filtered.
  const rpFilter = effective('rp_filter', 'tunl0');
  if (topology.service.family === 'ipv4' && tunl0 && rpFilter === 1) {
    findings.push({
      pitfall: 'rp-filter-on-tunl0',
      severity: 'pitfall',
      host: host.name,
      problem: `strict reverse-path filtering on ${host.name}'s tunl0 (effective rp_filter 1: all=${sysctl('net.ipv4.conf.all.rp_filter')}, tunl0=${sysctl('net.ipv4.conf.tunl0.rp_filter')})`,
      why: "packets come out of tunl0 from the client, whose route is via the uplink, so strict rp_filter drops every one of them",
      fix: fix('sysctl', '-w', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.tunl0.rp_filter=0'),
    });
  }
  findings.push(...diagnoseTunnelType(topology, host, context));
  const arpIgnore = effective('arp_ignore', uplink);
  if (arpIgnore < 1) {
    findings.push({
      pitfall: 'arp-ignore',
      severity: 'pitfall',
      host: host.name,
      problem: `${host.name} answers ARP for addresses it holds on other interfaces (effective arp_ignore ${arpIgnore})`,
      why: 'it answers the client\'s ARP for the VIP, which it holds on tunl0, so the client may send straight to it and bypass the director',
      fix: fix('sysctl', '-w', 'net.ipv4.conf.all.arp_ignore=1', `net.ipv4.conf.${uplink}.arp_ignore=1`),
    });
  }
  const arpAnnounce = effective('arp_announce', uplink);
  if (arpAnnounce < 2) {
    findings.push({
      pitfall: 'arp-announce',
      // Shown with traffic (fixtures/topologies/arp-announce-note.yaml): the check passes.
      severity: 'note',
      host: host.name,
      problem: `${host.name} may announce the VIP as the source of its ARP requests (effective arp_announce ${arpAnnounce})`,
      why: "an ARP request it sends from the VIP would teach the client that the VIP is at the real server's MAC; it sends one only when it does not know the client's MAC, which it learns from the client's own ARP, so LVS-TUN works without it (the walkthrough sets 2 to be safe)",
      fix: fix('sysctl', '-w', 'net.ipv4.conf.all.arp_announce=2', `net.ipv4.conf.${uplink}.arp_announce=2`),
    });
  }
  return findings;
}

/** The devices GRE and GUE need beside tunl0: the GRE device up and not strictly filtering; fou's port open. */
function diagnoseTunnelType(topology: Topology, host: Host, context: NonNullable<ReturnType<typeof hostContext>>): Finding[] {
  const { tunnel } = topology.service;
  const { hostState, sysctl, effective, fix } = context;
  if (tunnel.type === 'gre') {
    const device = hostState.links.find((link) => link.name === GRE_DEVICE);
    if (!device?.up) {
      const create = fix('ip', 'link', 'add', 'name', GRE_DEVICE, 'type', 'gre', 'local', host.address, ...(tunnel.checksum === 'csum' ? ['icsum'] : []));
      return [{
        pitfall: 'gre-device-down',
        severity: 'pitfall',
        host: host.name,
        problem: device ? `${GRE_DEVICE} on ${host.name} is down` : `${host.name} has no ${GRE_DEVICE}`,
        why: `the director sends each connection inside GRE, which ${GRE_DEVICE} (a GRE device on the real server's address, with the director's checksum flag) takes out of the tunnel; down or missing, the packets are dropped`,
        fix: device ? fix('ip', 'link', 'set', GRE_DEVICE, 'up') : `${create} && ${fix('ip', 'link', 'set', GRE_DEVICE, 'up')}`,
      }];
    }
    if (effective('rp_filter', GRE_DEVICE) === 1) {
      return [{
        pitfall: 'rp-filter-on-tunl0',
        severity: 'pitfall',
        host: host.name,
        problem: `strict reverse-path filtering on ${host.name}'s ${GRE_DEVICE} (effective rp_filter 1: all=${sysctl('net.ipv4.conf.all.rp_filter')}, ${GRE_DEVICE}=${sysctl(`net.ipv4.conf.${GRE_DEVICE}.rp_filter`)})`,
        why: `packets come out of ${GRE_DEVICE} from the client, whose route is via the uplink, so strict rp_filter drops every one of them`,
        fix: fix('sysctl', '-w', 'net.ipv4.conf.all.rp_filter=0', `net.ipv4.conf.${GRE_DEVICE}.rp_filter=0`),
      }];
    }
  }
  if (tunnel.type === 'gue' && tunnel.port !== undefined && !(hostState.fouPorts ?? []).includes(tunnel.port)) {
    return [{
      pitfall: 'gue-port-closed',
      severity: 'pitfall',
      host: host.name,
      problem: `${host.name} does not decapsulate GUE on UDP port ${tunnel.port} (fou ports: ${(hostState.fouPorts ?? []).join(', ') || 'none'})`,
      why: "the director sends each connection inside GUE to that port; without fou listening there the datagram meets a closed port and is dropped (the real server answers with ICMP port unreachable)",
      fix: fix('ip', 'fou', 'add', 'port', String(tunnel.port), 'gue'),
    }];
  }
  return [];
}

function diagnoseDirector(topology: Topology, host: Host, state: ClusterState): Finding[] {
  const context = hostContext(host, state);
  if (!context) return [];
  const { uplink, sysctl, fix, holds } = context;
  const findings: Finding[] = [];
  const { vip } = topology.service;

  if (sysctl('net.ipv4.ip_forward') !== 1) {
    findings.push({
      pitfall: 'director-ip-forward',
      // IPVS takes a tunnelled or direct-routed connection at LOCAL_IN, for the VIP the director
      // holds, and sends it on itself: no forwarding. NAT's replies come back through FORWARD.
      severity: topology.service.realServers.some((server) => server.forwarding === 'nat') ? 'pitfall' : 'note',
      host: host.name,
      problem: `ip_forward is off on the director ${host.name}`,
      why: topology.service.realServers.some((server) => server.forwarding === 'nat')
        ? "a NAT real server's replies come back through the director, which must forward them"
        : 'the walkthrough turns it on, but IPVS sends tunnelled connections on from LOCAL_IN, without forwarding: LVS-TUN works without it (a director that also routes needs it)',
      fix: fix('sysctl', '-w', 'net.ipv4.ip_forward=1'),
    });
  }
  // send_redirects is on when either conf.all or the interface's own is on.
  if (sysctl('net.ipv4.conf.all.send_redirects') === 1 || sysctl(`net.ipv4.conf.${uplink}.send_redirects`) === 1) {
    findings.push({
      pitfall: 'director-send-redirects',
      severity: 'note',
      host: host.name,
      problem: `the director ${host.name} sends ICMP redirects (all=${sysctl('net.ipv4.conf.all.send_redirects')}, ${uplink}=${sysctl(`net.ipv4.conf.${uplink}.send_redirects`)})`,
      why: 'redirects come only from forwarded packets; IPVS takes connections to the VIP it holds at LOCAL_IN, so LVS-TUN works with them on (a director that forwards for others would redirect them around itself)',
      fix: fix('sysctl', '-w', 'net.ipv4.conf.all.send_redirects=0', `net.ipv4.conf.${uplink}.send_redirects=0`),
    });
  }
  if (hostsWithRole(topology, 'director').length === 1 && !holds(vip)) {
    findings.push({
      pitfall: 'vip-missing-on-director',
      severity: 'pitfall',
      host: host.name,
      problem: `the director ${host.name} does not hold the VIP ${vip}`,
      why: 'nobody answers the client\'s ARP for the VIP (the real servers must not), so no connection reaches IPVS',
      fix: topology.service.family === 'ipv6' ? fix('ip', 'addr', 'add', `${vip}/128`, 'dev', uplink, 'nodad', 'preferred_lft', '0') : fix('ip', 'addr', 'add', `${vip}/32`, 'dev', uplink),
    });
  }
  // Read as text: a kernel without the setting has no opinion to note.
  const raw = (key: string) => context.hostState.sysctls[key];
  if (raw('net.ipv4.vs.conn_reuse_mode') === '0' && raw('net.ipv4.vs.expire_nodest_conn') === '0') {
    findings.push({
      pitfall: 'director-conn-reuse-mode',
      severity: 'note',
      host: host.name,
      problem: `conn_reuse_mode is 0 on the director ${host.name}, and expire_nodest_conn 0`,
      why: 'a SYN from a client port the director still remembers goes where the old connection went, never rescheduled: to a real server set to weight 0, or removed (kubernetes#81775)',
      fix: fix('sysctl', '-w', 'net.ipv4.vs.expire_nodest_conn=1'),
    });
  }
  if (topology.service.persistence !== undefined && raw('net.ipv4.vs.expire_quiescent_template') === '0') {
    findings.push({
      pitfall: 'director-quiescent-templates',
      severity: 'note',
      host: host.name,
      problem: `the service is persistent and expire_quiescent_template is 0 on the director ${host.name}`,
      why: "a real server quiesced to weight 0 keeps its persistence templates: the clients pinned to it keep being sent there for the persistence timeout (aledbf/kube-keepalived-vip#117)",
      fix: fix('sysctl', '-w', 'net.ipv4.vs.expire_quiescent_template=1'),
    });
  }
  const ipvsSave = state.ipvsSaves.get(host.name);
  // A configurator declared to be judged by its own table has no topology table to differ from.
  if (ipvsSave !== undefined && ipvsTableExpected(topology)) {
    const difference = describeIpvsTableDifference(host.name, topology.service, ipvsTableDifference(topology.service, ipvsSave), '    ');
    if (difference) {
      findings.push({
        pitfall: 'ipvs-table-differs',
        severity: 'pitfall',
        host: host.name,
        problem: difference,
        why: 'connections are scheduled by what the kernel holds, not by what the topology says',
        fix: `${fix('ipvsadm', '-C')} && printf '%s\\n' ${renderIpvsRestore(topology.service).trim().split('\n').map(quoteArgument).join(' ')} | ${fix('ipvsadm-restore')}`,
      });
    }
  }
  return findings;
}

/** The findings as text a person reads top to bottom; notes after them, marked as such. */
export function formatFindings(findings: readonly Finding[], notes: readonly Finding[] = []): string {
  const pitfalls = findings.filter((finding) => finding.severity !== 'note');
  const allNotes = [...findings.filter((finding) => finding.severity === 'note'), ...notes];
  const lines = pitfalls.length === 0 ? ['doctor: none of the known LVS-TUN pitfalls found'] : pitfalls.map((finding) => `doctor: ${finding.pitfall} on ${finding.host}: ${finding.problem}\n  why: ${finding.why}\n  fix: ${finding.fix}`);
  for (const note of allNotes) lines.push(`doctor: note: ${note.pitfall} on ${note.host}: ${note.problem}\n  why it is only a note: ${note.why}\n  to set it anyway: ${note.fix}`);
  return lines.join('\n');
}
