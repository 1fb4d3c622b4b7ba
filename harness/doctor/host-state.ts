// What the doctor reads of a host: its links with their state and addresses, and the sysctls
// that decide whether LVS-TUN works. Plain data, parsed by harness/kernel-state.
import type { LinkState } from '../kernel-state/ip-json.js';

export type { LinkState };

export interface HostState {
  links: LinkState[];
  sysctls: Record<string, string>;
  /** Read on real servers only: the device the kernel picks for a reply from the VIP to the client (`ip route get`); device undefined when there is no route. */
  replyRoute?: { device?: string };
  /** Read on real servers of a GUE tunnel only: the UDP ports fou decapsulates GUE on. */
  fouPorts?: number[];
}

/** The sysctls the doctor judges, as files under /proc/sys (every device's, by glob). */
export const DOCTOR_SYSCTL_FILES = [
  'net/ipv4/ip_forward',
  ...['rp_filter', 'arp_ignore', 'arp_announce', 'send_redirects'].map((name) => `net/ipv4/conf/*/${name}`),
  ...['conn_reuse_mode', 'expire_nodest_conn', 'expire_quiescent_template'].map((name) => `net/ipv4/vs/${name}`),
];
