// A small, varied set of frames shaped like LVS-TUN traffic, shared by the
// decoder tests and the tcpdump comparison so both read the same bytes.
import {
  buildArpPacket,
  buildEthernetFrame,
  buildIpipPacket,
  buildIpv4Packet,
  buildTcpIpv4,
  buildUdpDatagram,
  ipv4Frame,
} from './build-frames.js';

/** Addresses of the sample cluster (one client, one director, one real server). */
export const SAMPLE = {
  clientMac: '02:00:00:00:00:32',
  directorMac: '02:00:00:00:00:64',
  realServerMac: '02:00:00:00:00:78',
  client: '192.168.73.50',
  director: '192.168.73.110',
  realServer: '192.168.73.120',
  vip: '192.168.73.100',
  clientPort: 41234,
  servicePort: 80,
} as const;

/** The client's SYN to the VIP as an IPv4 packet. */
export function sampleSyn(): Uint8Array {
  return buildTcpIpv4(SAMPLE.client, SAMPLE.vip, {
    sourcePort: SAMPLE.clientPort,
    destinationPort: SAMPLE.servicePort,
    sequence: 123,
    flags: 'S',
  });
}

/** One frame of each kind the decoder must read, in a fixed order tests index into. */
export function sampleEthernetFrames(): Uint8Array[] {
  const { clientMac, directorMac, realServerMac } = SAMPLE;
  const reply = buildTcpIpv4(SAMPLE.vip, SAMPLE.client, {
    sourcePort: SAMPLE.servicePort,
    destinationPort: SAMPLE.clientPort,
    sequence: 4_000_000_000,
    acknowledgment: 124,
    flags: 'P.',
    payload: new TextEncoder().encode('HTTP/1.1 200 OK\r\n\r\nhello'),
  });
  const udp = buildIpv4Packet({
    source: SAMPLE.client,
    destination: SAMPLE.vip,
    protocol: 17,
    payload: buildUdpDatagram(SAMPLE.client, SAMPLE.vip, { sourcePort: 5353, destinationPort: 9999, payload: new Uint8Array(12) }),
  });
  const clientTcp = (flags: string, sequence: number, acknowledgment: number) =>
    buildTcpIpv4(SAMPLE.client, SAMPLE.vip, { sourcePort: SAMPLE.clientPort, destinationPort: SAMPLE.servicePort, sequence, acknowledgment, flags });
  return [
    /* 0 */ ipv4Frame(clientMac, directorMac, sampleSyn()),
    /* 1 */ ipv4Frame(directorMac, realServerMac, buildIpipPacket(SAMPLE.director, SAMPLE.realServer, sampleSyn())),
    /* 2 */ ipv4Frame(realServerMac, clientMac, reply),
    /* 3 */ ipv4Frame(realServerMac, clientMac, reply, [10]),
    /* 4 */ buildEthernetFrame({
      source: clientMac,
      destination: 'ff:ff:ff:ff:ff:ff',
      etherType: 0x0806,
      payload: buildArpPacket({ operation: 'request', senderMac: clientMac, senderIp: SAMPLE.client, targetIp: SAMPLE.vip }),
      padToMinimum: true,
    }),
    /* 5 */ buildEthernetFrame({
      source: directorMac,
      destination: clientMac,
      etherType: 0x0806,
      payload: buildArpPacket({ operation: 'reply', senderMac: directorMac, senderIp: SAMPLE.vip, targetMac: clientMac, targetIp: SAMPLE.client }),
    }),
    /* 6 */ ipv4Frame(clientMac, directorMac, udp),
    /* 7 */ ipv4Frame(clientMac, directorMac, clientTcp('.', 124, 4_000_000_024)),
    /* 8 */ ipv4Frame(clientMac, directorMac, clientTcp('F.', 124, 4_000_000_024)),
    /* 9 */ ipv4Frame(realServerMac, clientMac, buildTcpIpv4(SAMPLE.vip, SAMPLE.client, { sourcePort: 80, destinationPort: SAMPLE.clientPort, sequence: 9, flags: 'R' })),
  ];
}
