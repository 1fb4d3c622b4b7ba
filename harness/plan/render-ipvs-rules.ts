// The director's IPVS rules, in the form both `ipvsadm` (one rule per call, as the walkthrough
// types them) and `ipvsadm-restore` (all rules, one process) read; `ipvsadm-save -n` prints the
// same form, so the table in the kernel can be compared with what the topology says
// (harness/kernel-state/ipvs-table-difference.ts).
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
