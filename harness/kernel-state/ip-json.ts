// What iproute2 prints with -j, read once for everyone: links and their addresses (`ip -j addr`),
// neighbours (`ip -j neigh`) and routes (`ip -j route get`). The doctor, keepalived's VIP
// holders and the isolation snapshot all start from these records. Pure.

/** One address of a link, as `ip -j addr` prints it; fields beyond these are kept as they came. */
export interface IpAddressRecord {
  family: string;
  local: string;
  prefixlen: number;
  [field: string]: unknown;
}

/** One link of `ip -j addr show`, its addresses included. */
export interface IpLinkRecord {
  ifname: string;
  flags?: string[];
  mtu?: number;
  addr_info?: IpAddressRecord[];
  [field: string]: unknown;
}

/** A link as the harness judges it: up or not, its MTU, its IPv4 addresses with prefix. */
export interface LinkState {
  name: string;
  up: boolean;
  mtu: number;
  /** IPv4 addresses with their prefix, e.g. 192.168.73.120/32. */
  addresses: string[];
}

/**
 * A JSON list as `ip -j` prints it; an error names the command when it is not one. Empty
 * output is an error too unless `allowEmpty` (a device or neighbour asked for may have nothing
 * to show; the root namespace's snapshot must never read as empty).
 */
export function parseIpJsonList<T = Record<string, unknown>>(text: string, command: string, { allowEmpty = false } = {}): T[] {
  if (allowEmpty && text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${command} printed something that is not JSON: ${(error as Error).message}: ${text.slice(0, 200)}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${command} printed JSON that is not a list: ${text.slice(0, 200)}`);
  return parsed as T[];
}

/** The records of `ip -j addr show`. */
export function parseIpAddr(text: string, options: { allowEmpty?: boolean } = {}): IpLinkRecord[] {
  return parseIpJsonList<IpLinkRecord>(text, 'ip -j addr show', options);
}

/** `ip -j addr show` as link states. */
export function parseLinkStates(text: string): LinkState[] {
  return parseIpAddr(text, { allowEmpty: true }).map((link) => ({
    name: link.ifname,
    up: link.flags?.includes('UP') ?? false,
    mtu: link.mtu ?? 0,
    // IPv4, and IPv6 other than the link-local address every interface has.
    addresses: (link.addr_info ?? [])
      .filter((info) => info.family === 'inet' || (info.family === 'inet6' && info.scope !== 'link' && !/^fe[89ab]/i.test(info.local)))
      .map((info) => `${info.local}/${info.prefixlen}`),
  }));
}

/** The IPv4 addresses in `ip -j addr show` output, without their prefix. */
export function ipv4Addresses(text: string): string[] {
  return parseIpAddr(text, { allowEmpty: true }).flatMap((link) => (link.addr_info ?? []).filter((info) => info.family === 'inet' && info.local).map((info) => info.local));
}

/** The link-layer address `ip -j neigh show` holds for an address, if it holds a usable one. */
export function neighbourMac(text: string, address: string): string | undefined {
  const entries = parseIpJsonList<{ dst?: string; lladdr?: string; state?: string[] }>(text, 'ip -j neigh show', { allowEmpty: true });
  const entry = entries.find((candidate) => candidate.dst === address && candidate.lladdr && !candidate.state?.includes('FAILED'));
  return entry?.lladdr?.toLowerCase();
}

/** `ip -j route get ...`: the device of the first route, or undefined (no route, or no answer). */
export function routeDevice(text: string): string | undefined {
  try {
    return parseIpJsonList<{ dev?: string }>(text, 'ip -j route get')[0]?.dev;
  } catch {
    return undefined;
  }
}
