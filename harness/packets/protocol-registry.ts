// Which decoder handles which ethertype and which IP protocol number. New
// protocols are added here as one entry plus a field in decoded-packet.ts;
// anything unregistered becomes an `unknown` layer. The tunnels IPVS writes
// (IP-in-IP, GRE, GUE inside UDP) all end in an `inner` packet.
import { decodeArp } from './arp.js';
import type { ArpPacket, DecodedPacket, GreHeader, IpPacket, Ipv4Packet, Ipv6Packet, TcpSegment, UdpDatagram, UnknownLayer } from './decoded-packet.js';
import { decodeIpv6Header } from './ipv6-header.js';
import { decodeGreHeader, GRE_PROTOCOL_IPV4 } from './gre.js';
import { recognizeGue } from './gue.js';
import { decodeIpv4Header } from './ipv4-header.js';
import { LayerError } from './layer-error.js';
import { decodeTcp } from './tcp.js';
import { decodeUdp } from './udp.js';

/** Collects the first decoding problem of a frame while decoding goes on as far as it can. */
export interface DecodeContext {
  error?: string;
  /** Encapsulation depth, bounded so a crafted frame cannot recurse forever. */
  depth: number;
}

/** What an ethertype can decode to. */
export type NetworkLayer = ArpPacket | Ipv4Packet | Ipv6Packet | UnknownLayer;
/** A tunnel's header with the packet it carries (GRE; UDP carrying GUE). */
export interface EncapsulatingLayer {
  kind: 'gre' | 'gue';
  header: GreHeader | UdpDatagram;
  inner?: Ipv4Packet;
}
/** What an IP protocol number can decode to (an IP packet itself for IP-in-IP). */
export type IpPayloadLayer = TcpSegment | UdpDatagram | Ipv4Packet | Ipv6Packet | EncapsulatingLayer | UnknownLayer;

interface NetworkProtocol {
  name: string;
  decode(bytes: Uint8Array, offset: number, context: DecodeContext): NetworkLayer;
}
interface IpProtocol {
  name: string;
  /** `payloadLength` is what the IP header declares, possibly more than was captured. */
  decode(bytes: Uint8Array, offset: number, payloadLength: number, context: DecodeContext): IpPayloadLayer;
}

const MAX_ENCAPSULATION_DEPTH = 8;

const ETHERTYPES = new Map<number, NetworkProtocol>([
  [0x0800, { name: 'IPv4', decode: decodeIpv4Packet }],
  [0x0806, { name: 'ARP', decode: (bytes, offset) => decodeArp(bytes, offset) }],
  [0x86dd, { name: 'IPv6', decode: decodeIpv6Packet }],
]);

const IP_PROTOCOLS = new Map<number, IpProtocol>([
  [4, { name: 'IPIP', decode: (bytes, offset, _length, context) => decodeIpv4Packet(bytes, offset, context) }],
  [6, { name: 'TCP', decode: (bytes, offset, length) => decodeTcp(bytes, offset, length) }],
  [17, { name: 'UDP', decode: decodeUdpOrGue }],
  [41, { name: 'IPv6', decode: (bytes, offset, _length, context) => decodeIpv6Packet(bytes, offset, context) }],
  [47, { name: 'GRE', decode: decodeGre }],
]);

function decodeUdpOrGue(bytes: Uint8Array, offset: number, _length: number, context: DecodeContext): IpPayloadLayer {
  const udp = decodeUdp(bytes, offset);
  const gue = recognizeGue(bytes, offset + 8, udp.payloadLength);
  if (!gue) return udp;
  return { kind: 'gue', header: { ...udp, gue }, inner: decodeIpv4Packet(bytes, offset + 8 + gue.headerLength, context) };
}

function decodeGre(bytes: Uint8Array, offset: number, _length: number, context: DecodeContext): IpPayloadLayer {
  const gre = decodeGreHeader(bytes, offset);
  if (gre.protocolType !== GRE_PROTOCOL_IPV4) return { kind: 'gre', header: gre };
  return { kind: 'gre', header: gre, inner: decodeIpv4Packet(bytes, offset + gre.headerLength, context) };
}

/** Display name of an ethertype, for summaries; undefined when unregistered. */
export function etherTypeName(etherType: number): string | undefined {
  return ETHERTYPES.get(etherType)?.name;
}

/** Display name of an IP protocol number, for summaries; undefined when unregistered. */
export function ipProtocolName(protocol: number): string | undefined {
  return IP_PROTOCOLS.get(protocol)?.name;
}

/** Decodes the layer an ethertype announces; a LayerError is recorded in the context, not thrown. */
export function decodeNetworkLayer(
  etherType: number,
  bytes: Uint8Array,
  offset: number,
  context: DecodeContext,
): NetworkLayer | undefined {
  const protocol = ETHERTYPES.get(etherType);
  if (!protocol) return unknownLayer(`ethertype 0x${etherType.toString(16).padStart(4, '0')}`, bytes, offset);
  return recordingLayerErrors(context, () => protocol.decode(bytes, offset, context));
}

/** Puts a network layer on the packet field named after its kind. */
export function attachNetworkLayer(packet: DecodedPacket, layer: NetworkLayer): void {
  if (layer.kind === 'arp') packet.arp = layer;
  else if (layer.kind === 'ipv4') packet.ipv4 = layer;
  else if (layer.kind === 'ipv6') packet.ipv6 = layer;
  else packet.unknown = layer;
}

/** Decodes an IPv4 header and its payload; exported for link types that carry bare IP. */
export function decodeIpv4Packet(bytes: Uint8Array, offset: number, context: DecodeContext): Ipv4Packet {
  const packet = decodeIpv4Header(bytes, offset);
  if (packet.totalLength < packet.headerLength) {
    recordError(context, new LayerError('ipv4', offset, `total length ${packet.totalLength} is shorter than its header`));
    return packet;
  }
  const payloadOffset = offset + packet.headerLength;
  // Bytes past the total length are Ethernet padding, not payload.
  const packetBytes = bytes.subarray(0, Math.min(bytes.length, offset + packet.totalLength));
  if (packet.fragmentOffset > 0) {
    packet.unknown = unknownLayer(`ip protocol ${packet.protocol} (fragment)`, packetBytes, payloadOffset);
    return packet;
  }
  const payloadLength = packet.totalLength - packet.headerLength;
  const payload = decodeIpPayload(packet.protocol, packetBytes, payloadOffset, payloadLength, context);
  if (payload) attachIpPayload(packet, payload);
  return packet;
}

/** Decodes an IPv6 header, its extension headers and its payload. */
export function decodeIpv6Packet(bytes: Uint8Array, offset: number, context: DecodeContext): Ipv6Packet {
  const packet = decodeIpv6Header(bytes, offset);
  const payloadOffset = offset + packet.headerLength;
  const packetBytes = bytes.subarray(0, Math.min(bytes.length, offset + 40 + packet.payloadLength));
  if (packet.fragment && packet.fragment.offset > 0) {
    packet.unknown = unknownLayer(`ip protocol ${packet.protocol} (fragment)`, packetBytes, payloadOffset);
    return packet;
  }
  const payloadLength = packet.payloadLength - (packet.headerLength - 40);
  const payload = decodeIpPayload(packet.protocol, packetBytes, payloadOffset, payloadLength, context);
  if (payload) attachIpPayload(packet, payload);
  return packet;
}

function decodeIpPayload(
  protocolNumber: number,
  bytes: Uint8Array,
  offset: number,
  payloadLength: number,
  context: DecodeContext,
): IpPayloadLayer | undefined {
  const protocol = IP_PROTOCOLS.get(protocolNumber);
  if (!protocol) return unknownLayer(`ip protocol ${protocolNumber}`, bytes, offset);
  return recordingLayerErrors(context, () => {
    if (context.depth >= MAX_ENCAPSULATION_DEPTH) {
      throw new LayerError(protocol.name.toLowerCase(), offset, `nested deeper than ${MAX_ENCAPSULATION_DEPTH} layers`);
    }
    context.depth++;
    try {
      return protocol.decode(bytes, offset, payloadLength, context);
    } finally {
      context.depth--;
    }
  });
}

function attachIpPayload(packet: IpPacket, layer: IpPayloadLayer): void {
  if (layer.kind === 'tcp') packet.tcp = layer;
  else if (layer.kind === 'udp') packet.udp = layer;
  else if (layer.kind === 'ipv4' || layer.kind === 'ipv6') {
    packet.inner = layer;
    packet.encapsulation = 'ipip';
  } else if (layer.kind === 'unknown') packet.unknown = layer;
  else if (packet.kind === 'ipv4') {
    if (layer.header.kind === 'gre') packet.gre = layer.header;
    else packet.udp = layer.header;
    if (layer.inner) {
      packet.inner = layer.inner;
      packet.encapsulation = layer.kind;
    }
  } else if (layer.header.kind === 'udp') packet.udp = layer.header;
}

function unknownLayer(protocol: string, bytes: Uint8Array, offset: number): UnknownLayer {
  return { kind: 'unknown', protocol, offset, capturedLength: Math.max(0, bytes.length - offset) };
}

function recordingLayerErrors<T>(context: DecodeContext, decode: () => T): T | undefined {
  try {
    return decode();
  } catch (error) {
    if (!(error instanceof LayerError)) throw error;
    recordError(context, error);
    return undefined;
  }
}

function recordError(context: DecodeContext, error: LayerError): void {
  context.error ??= error.message;
}
