// One-line summaries in the spirit of `tcpdump -nn -e`, so failure messages
// show packets in the notation people already read captures with.
import type { ArpPacket, DecodedPacket, IpPacket, Ipv4Packet, LinuxCookedHeader, TcpSegment } from './decoded-packet.js';
import { ipProtocolName } from './protocol-registry.js';

const COOKED_DIRECTIONS: Record<number, string> = { 0: 'In', 1: 'B', 2: 'M', 3: 'P', 4: 'Out' };

/** E.g. `02:..:01 > 02:..:02, 10.0.0.1 > 10.0.0.2: IPIP 10.0.0.9.41234 > 10.0.0.100.80: Flags [S], seq 1, length 0`. */
export function formatPacket(packet: DecodedPacket): string {
  const parts: string[] = [];
  if (packet.ethernet) {
    const vlans = packet.ethernet.vlanTags.map((tag) => `vlan ${tag.id}`);
    parts.push([`${packet.ethernet.source} > ${packet.ethernet.destination}`, ...vlans].join(', '));
  }
  if (packet.cooked) parts.push(formatCooked(packet.cooked));
  const network = formatNetwork(packet);
  if (network) parts.push(network);
  let line = parts.join(', ');
  if (packet.error !== undefined) line += `${line ? ' ' : ''}[error: ${packet.error}]`;
  return line;
}

/** Summary of an IP packet (either version) and its payload, without the link layer (also used for tunl0 captures). */
export function formatIpPacket(ip: IpPacket): string {
  const fragment = fragmentNote(ip);
  if (ip.tcp) return `${ip.source}.${ip.tcp.sourcePort} > ${ip.destination}.${ip.tcp.destinationPort}: ${formatTcp(ip.tcp)}${fragment}`;
  if (ip.udp && ip.inner) return `${ip.source}.${ip.udp.sourcePort} > ${ip.destination}.${ip.udp.destinationPort}: GUE ${formatIpPacket(ip.inner)}`;
  if (ip.kind === 'ipv4' && ip.gre) {
    const carried = ip.inner ? formatIpPacket(ip.inner) : `proto 0x${ip.gre.protocolType.toString(16).padStart(4, '0')}`;
    return `${ip.source} > ${ip.destination}: GREv${ip.gre.version}, length ${ip.totalLength - ip.headerLength - ip.gre.headerLength}: ${carried}`;
  }
  if (ip.udp) {
    return `${ip.source}.${ip.udp.sourcePort} > ${ip.destination}.${ip.udp.destinationPort}: UDP, length ${ip.udp.payloadLength}${fragment}`;
  }
  const addresses = `${ip.source} > ${ip.destination}`;
  // IPIP for IPv4 inside, IP6 for IPv6 inside (IPv6-in-IPv6, or IPv6 inside IPv4).
  if (ip.inner) return `${addresses}: ${ip.inner.kind === 'ipv6' ? 'IP6' : 'IPIP'} ${formatIpPacket(ip.inner)}`;
  const name = ipProtocolName(ip.protocol) ?? `ip-proto-${ip.protocol}`;
  const length = ip.kind === 'ipv4' ? ip.totalLength - ip.headerLength : ip.payloadLength - (ip.headerLength - 40);
  return `${addresses}: ${name}, length ${length}${fragment}`;
}

/** The IPv4 summary, by its older name. */
export const formatIpv4Packet: (ip: Ipv4Packet) => string = formatIpPacket;

function fragmentNote(ip: IpPacket): string {
  if (ip.kind === 'ipv6') return ip.fragment ? ` (frag ${ip.fragment.identification}@${ip.fragment.offset}${ip.fragment.moreFragments ? '+' : ''})` : '';
  return ip.fragmentOffset > 0 || ip.moreFragments ? ` (frag ${ip.identification}@${ip.fragmentOffset}${ip.moreFragments ? '+' : ''})` : '';
}

/** tcpdump's TCP notation; unlike tcpdump it always prints seq, which matters when matching packets. */
export function formatTcp(tcp: TcpSegment): string {
  const end = tcp.payloadLength > 0 ? `:${(tcp.sequence + tcp.payloadLength) % 2 ** 32}` : '';
  const ack = tcp.flags.ack ? `, ack ${tcp.acknowledgment}` : '';
  return `Flags [${tcp.flagsText}], seq ${tcp.sequence}${end}${ack}, win ${tcp.window}, length ${tcp.payloadLength}`;
}

function formatNetwork(packet: DecodedPacket): string | undefined {
  if (packet.ipv4) return formatIpPacket(packet.ipv4);
  if (packet.ipv6) return formatIpPacket(packet.ipv6);
  if (packet.arp) return formatArp(packet.arp);
  if (packet.unknown) return `${packet.unknown.protocol}, length ${packet.unknown.capturedLength}`;
  return undefined;
}

function formatArp(arp: ArpPacket): string {
  if (arp.operationName === 'request') return `ARP, Request who-has ${arp.targetIp} tell ${arp.senderIp}`;
  if (arp.operationName === 'reply') return `ARP, Reply ${arp.senderIp} is-at ${arp.senderMac}`;
  return `ARP, operation ${arp.operation} ${arp.senderIp} (${arp.senderMac}) > ${arp.targetIp}`;
}

function formatCooked(cooked: LinuxCookedHeader): string {
  const direction = COOKED_DIRECTIONS[cooked.packetType] ?? `type ${cooked.packetType}`;
  const ifindex = cooked.interfaceIndex !== undefined ? `ifindex ${cooked.interfaceIndex} ` : '';
  return `${ifindex}${direction} ${cooked.sourceAddress}`.trimEnd();
}
