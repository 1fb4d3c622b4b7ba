// Whether a director's IPVS table is the one the topology declares, and the words for where it
// is not: one comparison and one message for the build, keepalived's settling, the doctor and
// the distribution check. The table is read as `ipvsadm-save -n` rules, or as `ipvsadm -Ln`
// turned into the same rules. Pure.
import type { VirtualService } from '../topology/topology.js';
import { renderIpvsRestore } from '../plan/render-ipvs-rules.js';
import type { ListedService } from './ipvs-list.js';
import { hostPort } from '../topology/ipv6.js';

export interface IpvsTableDifference {
  /** Rules the topology asks for that the kernel lacks. */
  missing: string[];
  /** Rules the kernel has that the topology did not ask for. */
  unexpected: string[];
}

/**
 * `ipvsadm-save -n` output (or rules in its form) as comparable lines: spacing, the order of
 * lines, `--tun-type ipip` (newer ipvsadm prints it for the default tunnel) and `-M
 * 255.255.255.255` (the default persistence netmask, which ipvsadm does not print) set aside.
 */
export function normaliseIpvsRules(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim().replace(/\s+/g, ' ').replace(/ --tun-type ipip\b/, '').replace(/ -M 255\.255\.255\.255\b/, ''))
    .filter((line) => line.startsWith('-A') || line.startsWith('-a'))
    .sort();
}

/** How the kernel's rules (`ipvsadm-save -n`) differ from the topology's service. */
export function ipvsTableDifference(service: VirtualService, savedRules: string): IpvsTableDifference {
  const wanted = normaliseIpvsRules(renderIpvsRestore(service));
  const present = normaliseIpvsRules(savedRules);
  return {
    missing: wanted.filter((rule) => !present.includes(rule)),
    unexpected: present.filter((rule) => !wanted.includes(rule)),
  };
}

export function isSameTable(difference: IpvsTableDifference): boolean {
  return difference.missing.length === 0 && difference.unexpected.length === 0;
}

const PROTOCOL_FLAG: Record<string, string> = { TCP: '-t', UDP: '-u', SCTP: '--sctp-service', FWM: '-f' };
const FORWARD_FLAG: Record<string, string> = { Tunnel: '-i', Route: '-g', Local: '-g', Masq: '-m' };

/** One service of `ipvsadm -Ln` as the rules `ipvsadm-save -n` would print for it. */
export function listedServiceAsRules(listed: ListedService): string {
  const flag = PROTOCOL_FLAG[listed.protocol] ?? `-${listed.protocol}`;
  const serviceRule = ['-A', flag, listed.service, '-s', listed.scheduler];
  if (listed.persistence !== undefined) serviceRule.push('-p', String(listed.persistence));
  if (listed.netmask !== undefined) serviceRule.push('-M', listed.netmask);
  if (listed.onePacket) serviceRule.push('-o');
  const realServerRules = listed.realServers.map((entry) => [
    '-a', flag, listed.service, '-r', entry.realServer, FORWARD_FLAG[entry.forward] ?? entry.forward, '-w', String(entry.weight),
    ...tunnelInfoAsFlags(entry.tunnel),
  ]);
  return [serviceRule, ...realServerRules].map((tokens) => `${tokens.join(' ')}\n`).join('');
}

/** `--tun-info`'s `gue:6080:+c` as ipvsadm-save's `--tun-type gue --tun-port 6080 --tun-csum`; nothing for ipip. */
function tunnelInfoAsFlags(info: string | undefined): string[] {
  if (info === undefined || info === 'ipip') return [];
  const [type, ...rest] = info.split(':');
  const port = rest.find((part) => /^\d+$/.test(part));
  const checksum = rest.find((part) => !/^\d+$/.test(part)) ?? '-c';
  const checksumFlag = checksum.includes('r') ? '--tun-remcsum' : checksum === '+c' ? '--tun-csum' : '--tun-nocsum';
  return ['--tun-type', type!, ...(port ? ['--tun-port', port] : []), checksumFlag];
}

/**
 * "the IPVS table in DIRECTOR differs from the topology:" and a line per rule, each real
 * server's rule with the host's name; undefined when the tables agree.
 */
export function describeIpvsTableDifference(director: string, service: VirtualService, difference: IpvsTableDifference, indent = '  '): string | undefined {
  if (isSameTable(difference)) return undefined;
  const hostOf = new Map(service.realServers.map((server) => [hostPort(server.address, server.port), server.host]));
  const named = (rule: string) => {
    const realServer = / -r (\S+)/.exec(rule)?.[1];
    const host = realServer ? hostOf.get(realServer) : undefined;
    return host ? `${rule}  (${host})` : rule;
  };
  return (
    `the IPVS table in ${director} differs from the topology:` +
    difference.missing.map((rule) => `\n${indent}missing:    ${named(rule)}`).join('') +
    difference.unexpected.map((rule) => `\n${indent}unexpected: ${named(rule)}`).join('')
  );
}
