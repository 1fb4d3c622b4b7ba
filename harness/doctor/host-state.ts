// What the doctor reads of a host: its links with their state and addresses, and the sysctls
// that decide whether LVS-TUN works. Plain data, parsed from what iproute2 and sysctl print.

export interface LinkState {
  name: string;
  up: boolean;
  mtu: number;
  /** IPv4 addresses with their prefix, e.g. 192.168.73.120/32. */
  addresses: string[];
}

export interface HostState {
  links: LinkState[];
  sysctls: Record<string, string>;
  /** Read on real servers only: the device the kernel picks for a reply from the VIP to the client (`ip route get`); device undefined when there is no route. */
  replyRoute?: { device?: string };
}

/** The sysctls the doctor judges, as a sysctl --pattern. */
export const DOCTOR_SYSCTL_PATTERN = '^net\\.ipv4\\.(ip_forward|conf\\.[^.]+\\.(rp_filter|arp_ignore|arp_announce|send_redirects))$';

interface IpJsonLink {
  ifname: string;
  flags?: string[];
  mtu?: number;
  addr_info?: Array<{ family: string; local: string; prefixlen: number }>;
}

/** Parses `ip -j addr show`. */
export function parseIpAddrJson(text: string): LinkState[] {
  const links = JSON.parse(text || '[]') as IpJsonLink[];
  return links.map((link) => ({
    name: link.ifname,
    up: link.flags?.includes('UP') ?? false,
    mtu: link.mtu ?? 0,
    addresses: (link.addr_info ?? []).filter((info) => info.family === 'inet').map((info) => `${info.local}/${info.prefixlen}`),
  }));
}

/** Parses `sysctl -a` lines (`key = value`). */
export function parseSysctlLines(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([\w.\-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}

/** Parses `ip -j route get ...`: the device of the first route, or undefined. */
export function parseRouteGetJson(text: string): string | undefined {
  try {
    const routes = JSON.parse(text || '[]') as Array<{ dev?: string }>;
    return routes[0]?.dev;
  } catch {
    return undefined;
  }
}
