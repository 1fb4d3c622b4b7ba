// Turns what the tools print (sysctl, ip -j, ipvsadm, nft, iptables-save) into snapshot
// entries, dropping what changes on its own (lifetimes, counters) so that two snapshots of an
// untouched namespace are identical. Pure.
import type { EntryValue } from './snapshot-types.js';
import { parseIpAddr, parseIpJsonList } from '../kernel-state/ip-json.js';
import { parseSysctlLines } from '../kernel-state/sysctl-lines.js';

type Entries = Array<readonly [string, EntryValue]>;

/**
 * Sysctls under net.ipv4 and net.ipv6 that are not configuration and may read differently
 * twice with nobody configuring anything (snapshots a build apart on a quiet host and inside
 * User-Mode Linux showed no others; write-only keys such as route.flush, and unset ones such
 * as conf.*.stable_secret, are not printed by `sysctl -a` at all):
 * - tcp_fastopen_key: a secret the kernel generates itself on the first use of TCP Fast Open;
 * - tcp_available_congestion_control: grows whenever anything on the machine makes the kernel
 *   load a congestion control module.
 */
export const VOLATILE_SYSCTLS: readonly RegExp[] = [/^net\.ipv4\.tcp_fastopen_key$/, /^net\.ipv4\.tcp_available_congestion_control$/];

/** `sysctl -a` output, kept to net.ipv4.* and net.ipv6.*, one entry per key. */
export function parseSysctls(text: string): Entries {
  const entries: Entries = parseSysctlLines(text)
    .filter(([key]) => /^net\.ipv[46]\./.test(key) && !VOLATILE_SYSCTLS.some((pattern) => pattern.test(key)))
    .map(([key, value]) => [key, value.replace(/\s+/g, ' ')] as const);
  return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The fields that say what a link is, first, so that a clipped message still shows them. */
const LEADING_LINK_FIELDS = ['ifname', 'linkinfo.info_kind', 'link_type', 'flags', 'mtu', 'master', 'address'];

/** `ip -j -d link show`: one record per link, keyed by name, its fields flattened. */
export function parseLinks(json: string): Entries {
  const links = parseIpJsonList(json, 'ip -j -d link show');
  return links.map((link) => {
    const fields = flatten(link);
    const leading = LEADING_LINK_FIELDS.filter((field) => field in fields).map((field) => [field, fields[field]!] as const);
    return [String(link.ifname), { ...Object.fromEntries(leading), ...fields }] as const;
  });
}

/**
 * Address lifetimes count down on their own (DHCP, SLAAC): kept out, an address is its
 * interface, address, prefix, scope and flags.
 */
const VOLATILE_ADDRESS_FIELDS = new Set(['valid_life_time', 'preferred_life_time']);

/** `ip -j addr show`: one record per address, keyed "interface address/prefix". */
export function parseAddresses(json: string): Entries {
  const entries: Entries = [];
  for (const link of parseIpAddr(json)) {
    const addresses = Array.isArray(link.addr_info) ? link.addr_info : [];
    for (const address of addresses) {
      const kept = Object.fromEntries(Object.entries(address).filter(([field]) => !VOLATILE_ADDRESS_FIELDS.has(field)));
      entries.push([`${String(link.ifname)} ${String(address.local)}/${String(address.prefixlen)}`, flatten(kept)]);
    }
  }
  return entries;
}

/** Text output as entries, one per non-empty line after `normalize` (which may drop a line by returning ''). */
export function lineEntries(text: string, normalize: (line: string) => string = (line) => line): Entries {
  const seen = new Map<string, number>();
  const entries: Entries = [];
  for (const raw of text.split('\n')) {
    const line = normalize(raw.trimEnd());
    if (!line.trim()) continue;
    const count = (seen.get(line) ?? 0) + 1;
    seen.set(line, count);
    entries.push([count === 1 ? line : `${line} (#${count})`, '']);
  }
  return entries;
}

/** Routes learnt from router advertisements or DHCP count their lifetime down: `expires 1234sec` is dropped. */
export function normalizeRoute(line: string): string {
  return line.replace(/\s+expires\s+-?\d+sec/g, '');
}

/** `ip netns list` says "(id: N)" once a namespace has an id in this one; the name is what matters. */
export function normalizeNamespace(line: string): string {
  return line.replace(/\s+\(id: \d+\)$/, '');
}

/**
 * `ipvsadm -Ln`: a real server's line ends with its ActiveConn and InActConn counters, which
 * move with traffic to a service; the rule is everything before them.
 */
export function normalizeIpvs(line: string): string {
  return /^\s+->\s+\S+\s+\S+\s+\d+\s+\d+\s+\d+\s*$/.test(line) ? line.replace(/\s+\d+\s+\d+\s*$/, '') : line;
}

/** `nft -s list ruleset` is already without counters; dynamic set elements still count their timeouts down. */
export function normalizeNft(line: string): string {
  return line.trim().replace(/\s+expires\s+[0-9hmsd.]+/g, '');
}

/**
 * `iptables-save`: its comments carry the date, and each chain's `[packets:bytes]` counts
 * traffic; both are dropped.
 */
export function normalizeIptables(line: string): string {
  if (line.startsWith('#')) return '';
  return line.replace(/\[\d+:\d+\]/g, '[-]');
}

/** Nested JSON as one flat record of dotted paths to strings: {linkinfo: {info_kind: 'veth'}} -> {'linkinfo.info_kind': 'veth'}. */
export function flatten(value: unknown, prefix = '', into: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item !== 'object' || item === null)) into[prefix] = value.map(String).join(',');
    else value.forEach((item, index) => flatten(item, `${prefix}[${index}]`, into));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) flatten(item, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into[prefix] = String(value);
  }
  return into;
}
