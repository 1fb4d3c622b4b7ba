// Byte-exact frame builders for tests: real checksums, so tcpdump reads the
// same files without complaint and the decoder is checked against it.
import { internetChecksum } from '../byte-fields.js';
import { parseIpv6 } from '../../topology/ipv6.js';

/** Joins byte arrays; builders compose headers this way. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

/** `02:00:00:00:00:01` to 6 bytes. */
export function parseMac(mac: string): Uint8Array {
  const bytes = mac.split(':').map((part) => Number.parseInt(part, 16));
  if (bytes.length !== 6 || bytes.some((byte) => !(byte >= 0 && byte <= 255))) throw new Error(`bad MAC ${mac}`);
  return Uint8Array.from(bytes);
}

/** `192.168.73.1` to 4 bytes. */
export function parseIpv4(address: string): Uint8Array {
  const bytes = address.split('.').map(Number);
  if (bytes.length !== 4 || bytes.some((byte) => !(byte >= 0 && byte <= 255))) throw new Error(`bad IPv4 ${address}`);
  return Uint8Array.from(bytes);
}

function uint16(value: number): Uint8Array {
  return Uint8Array.of((value >>> 8) & 0xff, value & 0xff);
}

function uint32(value: number): Uint8Array {
  return Uint8Array.of((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

/** Fields of a TCP segment; `flags` uses tcpdump's letters, e.g. `S`, `S.`, `P.`, `F.`. */
export interface TcpSpec {
  sourcePort: number;
  destinationPort: number;
  sequence?: number;
  acknowledgment?: number;
  flags?: string;
  window?: number;
  payload?: Uint8Array;
}

const FLAG_BITS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, '.': 0x10, U: 0x20, E: 0x40, W: 0x80 };

/** Builds a TCP header + payload with a checksum over the IPv4 pseudo header. */
export function buildTcpSegment(source: string, destination: string, spec: TcpSpec): Uint8Array {
  const payload = spec.payload ?? new Uint8Array(0);
  let flagBits = 0;
  for (const letter of spec.flags ?? '.') {
    const bit = FLAG_BITS[letter];
    if (bit === undefined) throw new Error(`unknown TCP flag letter ${letter}`);
    flagBits |= bit;
  }
  const segment = concatBytes(
    uint16(spec.sourcePort),
    uint16(spec.destinationPort),
    uint32(spec.sequence ?? 0),
    uint32(spec.acknowledgment ?? 0),
    Uint8Array.of(5 << 4, flagBits),
    uint16(spec.window ?? 64240),
    uint16(0), // checksum, filled below
    uint16(0),
    payload,
  );
  segment.set(uint16(transportChecksum(source, destination, 6, segment)), 16);
  return segment;
}

/** Builds a UDP header + payload with its checksum. */
export function buildUdpDatagram(
  source: string,
  destination: string,
  spec: { sourcePort: number; destinationPort: number; payload?: Uint8Array },
): Uint8Array {
  const payload = spec.payload ?? new Uint8Array(0);
  const datagram = concatBytes(uint16(spec.sourcePort), uint16(spec.destinationPort), uint16(8 + payload.length), uint16(0), payload);
  const checksum = transportChecksum(source, destination, 17, datagram);
  datagram.set(uint16(checksum === 0 ? 0xffff : checksum), 6);
  return datagram;
}

function transportChecksum(source: string, destination: string, protocol: number, segment: Uint8Array): number {
  // IPv6's pseudo header: both addresses, the 32-bit length, three zero bytes and the protocol.
  const pseudoHeader = source.includes(':')
    ? concatBytes(ipv6Bytes(source), ipv6Bytes(destination), uint32(segment.length), Uint8Array.of(0, 0, 0, protocol))
    : concatBytes(parseIpv4(source), parseIpv4(destination), Uint8Array.of(0, protocol), uint16(segment.length));
  return internetChecksum(concatBytes(pseudoHeader, segment));
}

/** An IPv6 address's 16 bytes. */
export function ipv6Bytes(address: string): Uint8Array {
  const value = parseIpv6(address);
  if (value === undefined) throw new Error(`not an IPv6 address: ${address}`);
  return Uint8Array.from({ length: 16 }, (_, index) => Number((value >> BigInt(8 * (15 - index))) & 0xffn));
}

/** An IPv6 header (no extension headers) in front of `payload`. */
export function buildIpv6Packet(spec: { source: string; destination: string; nextHeader: number; payload: Uint8Array; hopLimit?: number }): Uint8Array {
  return concatBytes(Uint8Array.of(0x60, 0, 0, 0), uint16(spec.payload.length), Uint8Array.of(spec.nextHeader, spec.hopLimit ?? 64), ipv6Bytes(spec.source), ipv6Bytes(spec.destination), spec.payload);
}

/** An IPv6 packet carrying a TCP segment. */
export function buildTcpIpv6(source: string, destination: string, tcp: TcpSpec): Uint8Array {
  return buildIpv6Packet({ source, destination, nextHeader: 6, payload: buildTcpSegment(source, destination, tcp) });
}

/** IPv6 inside IPv6 (next header 41), as the director tunnels an IPv6 VIP to an IPv6 real server. */
export function buildIp6ip6Packet(outerSource: string, outerDestination: string, inner: Uint8Array): Uint8Array {
  return buildIpv6Packet({ source: outerSource, destination: outerDestination, nextHeader: 41, payload: inner });
}

/** IPv6 inside IPv4 (protocol 41), as the director tunnels an IPv6 VIP to an IPv4 real server. */
export function buildSixInFourPacket(outerSource: string, outerDestination: string, inner: Uint8Array): Uint8Array {
  return buildIpv4Packet({ source: outerSource, destination: outerDestination, protocol: 41, payload: inner, identification: 0 });
}

/** An Ethernet frame carrying IPv6. */
export function ipv6Frame(source: string, destination: string, ipv6: Uint8Array): Uint8Array {
  return buildEthernetFrame({ source, destination, etherType: 0x86dd, payload: ipv6 });
}

/** Fields of an IPv4 header (no options). */
export interface Ipv4Spec {
  source: string;
  destination: string;
  protocol: number;
  payload: Uint8Array;
  ttl?: number;
  identification?: number;
  dontFragment?: boolean;
  moreFragments?: boolean;
  fragmentOffset?: number;
}

/** Builds an IPv4 header with a valid checksum in front of `payload`. */
export function buildIpv4Packet(spec: Ipv4Spec): Uint8Array {
  const flags = ((spec.dontFragment ?? true) ? 0x4000 : 0) | (spec.moreFragments ? 0x2000 : 0) | ((spec.fragmentOffset ?? 0) / 8);
  const header = concatBytes(
    Uint8Array.of(0x45, 0),
    uint16(20 + spec.payload.length),
    uint16(spec.identification ?? 0x1234),
    uint16(flags),
    Uint8Array.of(spec.ttl ?? 64, spec.protocol),
    uint16(0),
    parseIpv4(spec.source),
    parseIpv4(spec.destination),
  );
  header.set(uint16(internetChecksum(header)), 10);
  return concatBytes(header, spec.payload);
}

/** An IPv4 packet carrying a TCP segment: the usual unit of these tests. */
export function buildTcpIpv4(source: string, destination: string, tcp: TcpSpec, ip: Partial<Ipv4Spec> = {}): Uint8Array {
  return buildIpv4Packet({ ...ip, source, destination, protocol: 6, payload: buildTcpSegment(source, destination, tcp) });
}

/** Wraps an IPv4 packet in IP-in-IP (protocol 4), as the LVS director does in tunnel mode. */
export function buildIpipPacket(outerSource: string, outerDestination: string, inner: Uint8Array): Uint8Array {
  // The kernel copies DF from the inner packet and uses a fresh id; fixed values keep tests stable.
  return buildIpv4Packet({ source: outerSource, destination: outerDestination, protocol: 4, payload: inner, identification: 0 });
}

/** Wraps an IPv4 packet in GRE (protocol 47, ethertype 0x0800), with the checksum word when asked, as IPVS's GRE tunnel does. */
export function buildGrePacket(outerSource: string, outerDestination: string, inner: Uint8Array, options: { checksum?: boolean } = {}): Uint8Array {
  const header = options.checksum ? concatBytes(uint16(0x8000), uint16(0x0800), uint16(0), uint16(0)) : concatBytes(uint16(0), uint16(0x0800));
  const gre = concatBytes(header, inner);
  if (options.checksum) gre.set(uint16(internetChecksum(gre)), 4);
  return buildIpv4Packet({ source: outerSource, destination: outerDestination, protocol: 47, payload: gre, identification: 0 });
}

/** Wraps an IPv4 packet in GUE version 0 (protocol 4) inside UDP to `port`, as IPVS's GUE tunnel does. */
export function buildGuePacket(outerSource: string, outerDestination: string, inner: Uint8Array, ports: { sourcePort: number; port: number }): Uint8Array {
  const payload = concatBytes(Uint8Array.of(0x00, 0x04, 0x00, 0x00), inner);
  const udp = buildUdpDatagram(outerSource, outerDestination, { sourcePort: ports.sourcePort, destinationPort: ports.port, payload });
  return buildIpv4Packet({ source: outerSource, destination: outerDestination, protocol: 17, payload: udp, identification: 0 });
}

/** Fields of an ARP packet for Ethernet/IPv4. */
export interface ArpSpec {
  operation: 'request' | 'reply';
  senderMac: string;
  senderIp: string;
  targetMac?: string;
  targetIp: string;
}

/** Builds an Ethernet/IPv4 ARP request or reply body. */
export function buildArpPacket(spec: ArpSpec): Uint8Array {
  return concatBytes(
    uint16(1),
    uint16(0x0800),
    Uint8Array.of(6, 4),
    uint16(spec.operation === 'request' ? 1 : 2),
    parseMac(spec.senderMac),
    parseIpv4(spec.senderIp),
    parseMac(spec.targetMac ?? '00:00:00:00:00:00'),
    parseIpv4(spec.targetIp),
  );
}

/** Fields of an Ethernet II frame; `vlanIds` are pushed as 802.1Q tags, outermost first. */
export interface EthernetSpec {
  source: string;
  destination: string;
  etherType: number;
  payload: Uint8Array;
  vlanIds?: number[];
  /** Pad to the 60-byte Ethernet minimum as received frames are. */
  padToMinimum?: boolean;
}

/** Builds an Ethernet II frame (no FCS, as captures have none). */
export function buildEthernetFrame(spec: EthernetSpec): Uint8Array {
  const tags = (spec.vlanIds ?? []).map((id) => concatBytes(uint16(0x8100), uint16(id & 0x0fff)));
  const frame = concatBytes(parseMac(spec.destination), parseMac(spec.source), ...tags, uint16(spec.etherType), spec.payload);
  return spec.padToMinimum && frame.length < 60 ? concatBytes(frame, new Uint8Array(60 - frame.length)) : frame;
}

/** An Ethernet frame carrying IPv4 bytes. */
export function ipv4Frame(source: string, destination: string, ipv4: Uint8Array, vlanIds?: number[]): Uint8Array {
  return buildEthernetFrame({ source, destination, etherType: 0x0800, payload: ipv4, ...(vlanIds ? { vlanIds } : {}) });
}

/** A Linux cooked (SLL, linktype 113) header for `packetType` (0 in, 4 out) in front of `payload`. */
export function buildSllFrame(packetType: number, sourceMac: string, etherType: number, payload: Uint8Array): Uint8Array {
  const address = concatBytes(parseMac(sourceMac), new Uint8Array(2));
  return concatBytes(uint16(packetType), uint16(1), uint16(6), address, uint16(etherType), payload);
}

/** A Linux cooked v2 (SLL2, linktype 276) header in front of `payload`. */
export function buildSll2Frame(
  packetType: number,
  interfaceIndex: number,
  sourceMac: string,
  etherType: number,
  payload: Uint8Array,
): Uint8Array {
  const address = concatBytes(parseMac(sourceMac), new Uint8Array(2));
  return concatBytes(uint16(etherType), uint16(0), uint32(interfaceIndex), uint16(1), Uint8Array.of(packetType, 6), address, payload);
}
