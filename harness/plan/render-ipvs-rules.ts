// The director's IPVS rules, in the form both `ipvsadm` (one rule per call, as the walkthrough
// types them) and `ipvsadm-restore` (all rules, one process) read; `ipvsadm-save -n` prints the
// same form, so the table in the kernel can be compared with what the topology says.
import type { ForwardingMethod, VirtualService } from '../topology/topology.js';

const FORWARDING_FLAG: Record<ForwardingMethod, string> = {
  tunnel: '-i',
  'direct-routing': '-g',
  nat: '-m',
};

/** One token list per rule: the virtual service first, then its real servers. */
export function ipvsRuleTokens(service: VirtualService): string[][] {
  const virtual = `${service.vip}:${service.port}`;
  const serviceRule = ['-A', '-t', virtual, '-s', service.scheduler];
  if (service.persistence !== undefined) serviceRule.push('-p', String(service.persistence));
  if (service.persistence !== undefined && service.persistenceNetmask !== undefined) serviceRule.push('-M', service.persistenceNetmask);
  return [
    serviceRule,
    ...service.realServers.map((server) => [
      '-a', '-t', virtual, '-r', `${server.address}:${server.port}`, FORWARDING_FLAG[server.forwarding], '-w', String(server.weight),
    ]),
  ];
}

/** The ipvsadm-restore input. */
export function renderIpvsRestore(service: VirtualService): string {
  return ipvsRuleTokens(service)
    .map((tokens) => `${tokens.join(' ')}\n`)
    .join('');
}

/**
 * Normalises `ipvsadm-save -n` output for comparison with renderIpvsRestore: spacing, the
 * order of lines, and `--tun-type ipip`, which newer ipvsadm prints for the default tunnel.
 */
export function normaliseIpvsSave(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim().replace(/\s+/g, ' ').replace(/ --tun-type ipip\b/, ''))
    .filter((line) => line.startsWith('-A') || line.startsWith('-a'))
    .sort();
}

/** Rules the topology asks for that the kernel lacks, and rules the kernel has that it did not ask for. */
export function diffIpvsRules(expected: string, actual: string): { missing: string[]; unexpected: string[] } {
  const wanted = normaliseIpvsSave(expected);
  const present = normaliseIpvsSave(actual);
  return {
    missing: wanted.filter((rule) => !present.includes(rule)),
    unexpected: present.filter((rule) => !wanted.includes(rule)),
  };
}
