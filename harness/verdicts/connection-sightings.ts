// Finds every packet of the service's connections (TCP connections, or UDP flows: the
// datagrams of one client port) in every capture and classifies it once (direction, tunnel,
// link addresses, who sent it), so the property checks read facts instead of re-parsing packets.
import type { DecodedPacket, IpPacket, TcpSegment, UdpDatagram } from '../packets/decoded-packet.js';
import { formatPacket } from '../packets/format-packet.js';
import { SLL_PACKET_OUTGOING } from '../packets/linux-cooked.js';
import { sameMac, type ClusterDirectory } from './cluster-directory.js';
import type { CapturePoint, HostIdentity, VerdictEvidence } from './tun-contract-types.js';

/** One packet of one connection as seen in one capture. */
export interface Sighting {
  /** `host:iface`. */
  captureLabel: string;
  capture: CapturePoint;
  /** The host that captured it, when the cluster lists it. */
  captureHost?: HostIdentity;
  packet: DecodedPacket;
  /** `client-address:client-port`, the connection's identity. */
  connection: string;
  /** request: client to service; reply: service to client. */
  direction: 'request' | 'reply';
  /** The IP header (either version) that carries the TCP segment or UDP datagram (the inner one when tunnelled). */
  ip: IpPacket;
  /** The segment, for a TCP service. */
  tcp?: TcpSegment;
  /** The datagram, for a UDP service. */
  udp?: UdpDatagram;
  /** Outer addresses when the segment travelled inside a tunnel, and which (GUE with its UDP port). */
  tunnel?: { source: string; destination: string; encapsulation: 'ipip' | 'gre' | 'gue'; port?: number };
  linkSource?: string;
  /** Undefined for cooked and raw captures, which do not record it. */
  linkDestination?: string;
  /** From the source MAC (Ethernet) or packet type (cooked); undefined for raw IP captures. */
  sentByCaptureHost?: boolean;
}

/** `host:iface`, how captures are named in verdicts. */
export function captureLabel(capture: CapturePoint): string {
  return `${capture.host}:${capture.iface}`;
}

/** A sighting as verdict evidence. */
export function evidenceOf(sighting: Sighting): VerdictEvidence {
  const evidence: VerdictEvidence = {
    capture: sighting.captureLabel,
    packetIndex: sighting.packet.index,
    summary: formatPacket(sighting.packet),
  };
  if (sighting.capture.file !== undefined) evidence.file = sighting.capture.file;
  return evidence;
}

/** All sightings of connections between the client and the service (VIP, or a real server's own address under NAT), in time order. */
export function collectSightings(captures: CapturePoint[], directory: ClusterDirectory): Sighting[] {
  const sightings: Sighting[] = [];
  for (const capture of captures) {
    const captureHost = directory.hostByName(capture.host);
    for (const packet of capture.packets) {
      const sighting = classifyPacket(packet, capture, captureHost, directory);
      if (sighting) sightings.push(sighting);
    }
  }
  return sightings.sort((a, b) => compareBigInt(a.packet.timestampNanos, b.packet.timestampNanos));
}

function classifyPacket(
  packet: DecodedPacket,
  capture: CapturePoint,
  captureHost: HostIdentity | undefined,
  directory: ClusterDirectory,
): Sighting | undefined {
  const outer: IpPacket | undefined = packet.ipv4 ?? packet.ipv6;
  if (!outer) return undefined;
  let ip: IpPacket = outer;
  while (ip.inner) ip = ip.inner;
  // The service's transport only: a UDP service's captures also hold the harness's own markers.
  const transport = directory.protocol === 'udp' ? ip.udp : ip.tcp;
  if (!transport) return undefined;
  const isServiceAddress = (address: string) => address === directory.vip || directory.realServerByAddress(address) !== undefined;
  let direction: Sighting['direction'];
  let clientPort: number;
  let clientAddress: string;
  if (directory.isClientAddress(ip.source) && transport.destinationPort === directory.port && isServiceAddress(ip.destination)) {
    direction = 'request';
    clientPort = transport.sourcePort;
    clientAddress = ip.source;
  } else if (directory.isClientAddress(ip.destination) && transport.sourcePort === directory.port && isServiceAddress(ip.source)) {
    direction = 'reply';
    clientPort = transport.destinationPort;
    clientAddress = ip.destination;
  } else {
    return undefined;
  }
  const sighting: Sighting = {
    captureLabel: captureLabel(capture),
    capture,
    packet,
    connection: `${clientAddress}:${clientPort}`,
    direction,
    ip,
    ...(transport.kind === 'tcp' ? { tcp: transport } : { udp: transport }),
  };
  if (captureHost) sighting.captureHost = captureHost;
  if (ip !== outer) {
    const encapsulation = outer.encapsulation ?? 'ipip';
    sighting.tunnel = { source: outer.source, destination: outer.destination, encapsulation, ...(encapsulation === 'gue' && outer.udp ? { port: outer.udp.destinationPort } : {}) };
  }
  if (packet.ethernet) {
    sighting.linkSource = packet.ethernet.source;
    sighting.linkDestination = packet.ethernet.destination;
    if (captureHost) sighting.sentByCaptureHost = sameMac(packet.ethernet.source, captureHost.mac);
  } else if (packet.cooked) {
    sighting.linkSource = packet.cooked.sourceAddress;
    sighting.sentByCaptureHost = packet.cooked.packetType === SLL_PACKET_OUTGOING;
  }
  return sighting;
}

function compareBigInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * True when the connection's opening is among the sightings: the client's SYN, or for a UDP
 * flow its first datagram (a flow has no other opening; any request datagram stands for it).
 */
export function hasClientSyn(sightings: Sighting[]): boolean {
  return sightings.some((sighting) => sighting.direction === 'request' && (sighting.udp !== undefined || (sighting.tcp?.flags.syn === true && !sighting.tcp.flags.ack)));
}
