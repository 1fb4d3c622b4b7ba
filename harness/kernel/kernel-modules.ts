// The kernel modules an LVS-TUN cluster needs. Inside User-Mode Linux the kernel cannot load
// an IPVS scheduler on demand (its modprobe has no /lib/modules), so every scheduler is
// loaded up front.
import { SCHEDULERS } from '../topology/topology.js';

export const REQUIRED_MODULES = ['veth', 'bridge', 'tunnel4', 'ip_tunnel', 'ipip', 'ip_vs'] as const;

/**
 * Modules worth loading: the required ones, every IPVS scheduler, netem for impairments,
 * nf_tables so the isolation suite can read (and so compare) the ruleset inside UML too, and
 * iptables' filter and mangle tables (UML's nf_tables has no ip family) for a topology's firewall
 * commands, with the TCP match and MSS clamping that bug reports' fixes use; and fou and ip_gre,
 * the real servers' ends of GUE and GRE tunnels; ip6_tunnel and sit, those of an IPv6 VIP's.
 */
export function modulesToLoad(): string[] {
  return [...REQUIRED_MODULES, ...SCHEDULERS.map((scheduler) => `ip_vs_${scheduler}`), 'sch_netem', 'nfnetlink', 'nf_tables', 'ip_tables', 'iptable_filter', 'iptable_mangle', 'xt_tcpudp', 'xt_TCPMSS', 'fou', 'ip_gre', 'ip6_tunnel', 'sit'];
}
