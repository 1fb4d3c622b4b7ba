// What a root-namespace snapshot reads, and how: one command per kind of state, each with
// the parser that turns its output into entries. Pure description; taking the snapshot runs them.
import {
  lineEntries,
  normalizeIpvs,
  normalizeIptables,
  normalizeNamespace,
  normalizeNft,
  normalizeRoute,
  parseAddresses,
  parseLinks,
  parseSysctls,
} from './parse-namespace-state.js';
import type { EntryValue } from './snapshot-types.js';

export interface SnapshotSource {
  name: string;
  argv: readonly string[];
  ordered: boolean;
  parse: (stdout: string) => Array<readonly [string, EntryValue]>;
}

export const SNAPSHOT_SOURCES: readonly SnapshotSource[] = [
  { name: 'links', argv: ['ip', '-j', '-d', 'link', 'show'], ordered: false, parse: parseLinks },
  { name: 'addresses', argv: ['ip', '-j', 'addr', 'show'], ordered: false, parse: parseAddresses },
  { name: 'routes (IPv4)', argv: ['ip', '-4', 'route', 'show', 'table', 'all'], ordered: false, parse: (text) => lineEntries(text, normalizeRoute) },
  { name: 'routes (IPv6)', argv: ['ip', '-6', 'route', 'show', 'table', 'all'], ordered: false, parse: (text) => lineEntries(text, normalizeRoute) },
  { name: 'routing rules (IPv4)', argv: ['ip', '-4', 'rule', 'show'], ordered: false, parse: (text) => lineEntries(text) },
  { name: 'routing rules (IPv6)', argv: ['ip', '-6', 'rule', 'show'], ordered: false, parse: (text) => lineEntries(text) },
  // `sysctl -a` rather than `sysctl net.ipv4 net.ipv6`: the latter fails outright on a kernel without IPv6.
  { name: 'sysctls', argv: ['sysctl', '-a'], ordered: false, parse: parseSysctls },
  { name: 'IPVS', argv: ['ipvsadm', '-Ln'], ordered: false, parse: (text) => lineEntries(text, normalizeIpvs) },
  { name: 'nftables', argv: ['nft', '-s', 'list', 'ruleset'], ordered: true, parse: (text) => lineEntries(text, normalizeNft) },
  { name: 'iptables', argv: ['iptables-save'], ordered: true, parse: (text) => lineEntries(text, normalizeIptables) },
  { name: 'ip6tables', argv: ['ip6tables-save'], ordered: true, parse: (text) => lineEntries(text, normalizeIptables) },
  // Not the root namespace's own state, but a namespace left behind is a leak all the same.
  { name: 'named namespaces', argv: ['ip', 'netns', 'list'], ordered: false, parse: (text) => lineEntries(text, normalizeNamespace) },
];

/** The tools a snapshot runs. */
export const SNAPSHOT_TOOLS = [...new Set(SNAPSHOT_SOURCES.map((source) => source.argv[0]!))];
