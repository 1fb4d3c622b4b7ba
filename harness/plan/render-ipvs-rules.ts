// The director's IPVS rules, in the form both `ipvsadm` (one rule per call, as the walkthrough
// types them) and `ipvsadm-restore` (all rules, one process) read; `ipvsadm-save -n` prints the
// same form, so the table in the kernel can be compared with what the topology says
// (harness/kernel-state/ipvs-table-difference.ts).
import type { ForwardingMethod, ServiceProtocol, TunnelEncapsulation, VirtualService } from '../topology/topology.js';
import { hostPort } from '../topology/ipv6.js';

const FORWARDING_FLAG: Record<ForwardingMethod, string> = {
  tunnel: '-i',
  'direct-routing': '-g',
  nat: '-m',
};

const PROTOCOL_FLAG: Record<ServiceProtocol, string> = { tcp: '-t', udp: '-u' };

/** One token list per rule: the virtual service first, then its real servers. */
export function ipvsRuleTokens(service: VirtualService): string[][] {
  const virtual = hostPort(service.vip, service.port);
  const protocol = PROTOCOL_FLAG[service.protocol];
  const serviceRule = ['-A', protocol, virtual, '-s', service.scheduler];
  if (service.persistence !== undefined) serviceRule.push('-p', String(service.persistence));
  if (service.persistence !== undefined && service.persistenceNetmask !== undefined) serviceRule.push('-M', service.persistenceNetmask);
  // Last, where ipvsadm-save prints it.
  if (service.onePacket) serviceRule.push('-o');
  return [
    serviceRule,
    ...service.realServers.map((server) => [
      '-a', protocol, virtual, '-r', hostPort(server.address, server.port), FORWARDING_FLAG[server.forwarding], '-w', String(server.weight),
      ...(server.forwarding === 'tunnel' ? tunnelTokens(service.tunnel) : []),
    ]),
  ];
}

const CHECKSUM_FLAG: Record<TunnelEncapsulation['checksum'], string> = { none: '--tun-nocsum', csum: '--tun-csum', remcsum: '--tun-remcsum' };

/**
 * A GUE or GRE tunnel's flags, as ipvsadm-save prints them (the checksum always); none for
 * ipip, which ipvsadm takes by default (and the comparison sets aside when it is printed).
 */
function tunnelTokens(tunnel: TunnelEncapsulation): string[] {
  if (tunnel.type === 'ipip') return [];
  return ['--tun-type', tunnel.type, ...(tunnel.port !== undefined ? ['--tun-port', String(tunnel.port)] : []), CHECKSUM_FLAG[tunnel.checksum]];
}

/** The ipvsadm-restore input. */
export function renderIpvsRestore(service: VirtualService): string {
  return ipvsRuleTokens(service)
    .map((tokens) => `${tokens.join(' ')}\n`)
    .join('');
}

/**
 * `ipvsadm --set TCP TCPFIN UDP` for the topology's timeouts (0 keeps a value), or undefined
 * when it sets none. Not a rule: ipvsadm-save does not print it, so it is applied on its own.
 */
export function ipvsTimeoutTokens(service: VirtualService): string[] | undefined {
  const timeouts = service.timeouts;
  if (!timeouts) return undefined;
  return ['--set', String(timeouts.tcp ?? 0), String(timeouts.tcpFin ?? 0), String(timeouts.udp ?? 0)];
}
