// Builds the captures an LVS cluster would leave for a few HTTP connections,
// frame by frame, in tunnel mode or in one of the ways it goes wrong. The
// frames go through the real pcap encoder and decoder, as in production.
import { decodeCaptureFile } from '../../packets/capture-file.js';
import { LinkType } from '../../packets/link-layers.js';
import { buildGrePacket, buildGuePacket, buildIpipPacket, buildIpv4Packet, buildTcpIpv4, buildUdpDatagram, ipv4Frame, type TcpSpec } from '../../packets/test-support/build-frames.js';
import { encodePcap, type FrameToWrite } from '../../packets/test-support/encode-capture.js';
import type { CapturePoint, HostIdentity, TunContractInput } from '../tun-contract-types.js';

/** The test cluster: one client, one director, two real servers on 192.168.73.0/24. */
export const CLUSTER = {
  vip: '192.168.73.100',
  port: 80,
  client: { name: 'client', address: '192.168.73.50', mac: '02:00:00:00:00:32' },
  director: { name: 'lvs', address: '192.168.73.110', mac: '02:00:00:00:00:6e' },
  web1: { name: 'web1', address: '192.168.73.120', mac: '02:00:00:00:00:78' },
  web2: { name: 'web2', address: '192.168.73.121', mac: '02:00:00:00:00:79' },
} as const;

type RealServerName = 'web1' | 'web2';

/** One simulated HTTP connection. */
export interface SimulatedConnection {
  clientPort: number;
  realServer: RealServerName;
  /** Sends the packets after the handshake to this server instead (a broken scheduler). */
  laterRealServer?: RealServerName;
  /** Leaves the handshake out of every capture, as when tcpdump started late. */
  captureStartsAfterHandshake?: boolean;
}

/** How the cluster behaves; the defaults are a correct LVS-TUN setup. */
export interface SimulationOptions {
  connections: SimulatedConnection[];
  forwarding?: 'tunnel' | 'direct-routing' | 'nat';
  replies?: 'direct' | 'via-director';
  /** The director's capture also shows real servers' replies passing on the shared segment. */
  sharedSegment?: boolean;
  /** UDP flows (a request datagram, its answer) instead of TCP connections. */
  protocol?: 'tcp' | 'udp';
  /** The tunnel the director uses (ipip by default); what the judge expects is the input's, set apart. */
  tunnel?: { type: 'ipip' | 'gre' | 'gue'; port?: number };
}

interface Step {
  from: 'client' | 'server';
  flags: string;
  payloadLength?: number;
}

/** A short HTTP exchange: handshake (3 steps), request, response, both FINs, last ACK. */
const EXCHANGE: Step[] = [
  { from: 'client', flags: 'S' },
  { from: 'server', flags: 'S.' },
  { from: 'client', flags: '.' },
  { from: 'client', flags: 'P.', payloadLength: 18 },
  { from: 'server', flags: 'P.', payloadLength: 40 },
  { from: 'client', flags: 'F.' },
  { from: 'server', flags: 'F.' },
  { from: 'client', flags: '.' },
];

/** A UDP flow of two requests from one client port, each answered (flags unused). */
const UDP_EXCHANGE: Step[] = [
  { from: 'client', flags: '', payloadLength: 6 },
  { from: 'server', flags: '', payloadLength: 18 },
  { from: 'client', flags: '', payloadLength: 6 },
  { from: 'server', flags: '', payloadLength: 18 },
];

/** Simulates the traffic and returns it as judgeTunContract input, captures decoded from pcap bytes. */
export function simulateTunCluster(options: SimulationOptions): TunContractInput {
  const { vip, port, client, director } = CLUSTER;
  const frames = new Map<string, FrameToWrite[]>();
  let clock = 1_700_000_000_000_000_000n;
  const capture = (label: string, data: Uint8Array) => {
    clock += 10_000n;
    frames.set(label, [...(frames.get(label) ?? []), { data, timestampNanos: clock }]);
  };

  const udp = options.protocol === 'udp';
  // The IPv4 packet of one step between two addresses, TCP or UDP.
  const transportPacket = (source: string, destination: string, step: Step, tcp: TcpSpec) =>
    udp
      ? buildIpv4Packet({ source, destination, protocol: 17, payload: buildUdpDatagram(source, destination, { sourcePort: tcp.sourcePort, destinationPort: tcp.destinationPort, payload: new Uint8Array(step.payloadLength ?? 0) }) })
      : buildTcpIpv4(source, destination, tcp);
  for (const connection of options.connections) {
    const sequences = { client: 1000 + connection.clientPort, server: 900_000 + connection.clientPort };
    (udp ? UDP_EXCHANGE : EXCHANGE).forEach((step, index) => {
      // After the handshake; for UDP, the flow's second request.
      const laterFrom = udp ? 2 : 3;
      const realServer: HostIdentity = CLUSTER[index >= laterFrom ? (connection.laterRealServer ?? connection.realServer) : connection.realServer];
      const tcp = tcpOf(step, connection.clientPort, sequences);
      if (connection.captureStartsAfterHandshake && index < 3) return;
      if (step.from === 'client') {
        const request = transportPacket(client.address, vip, step, tcp);
        const arriving = ipv4Frame(client.mac, director.mac, request);
        capture('client:eth0', arriving);
        capture('lvs:eth0', arriving);
        const forwarding = options.forwarding ?? 'tunnel';
        const tunnel = options.tunnel ?? { type: 'ipip' };
        const encapsulate = (inner: Uint8Array) =>
          tunnel.type === 'gre'
            ? buildGrePacket(director.address, realServer.address, inner)
            : tunnel.type === 'gue'
              ? buildGuePacket(director.address, realServer.address, inner, { sourcePort: 40_000 + (connection.clientPort % 1000), port: tunnel.port ?? 6080 })
              : buildIpipPacket(director.address, realServer.address, inner);
        const forwarded =
          forwarding === 'tunnel'
            ? encapsulate(request)
            : forwarding === 'nat'
              ? transportPacket(client.address, realServer.address, step, tcp)
              : request;
        const leaving = ipv4Frame(director.mac, realServer.mac, forwarded);
        capture('lvs:eth0', leaving);
        capture(`${realServer.name}:eth0`, leaving);
        if (forwarding === 'tunnel') capture(`${realServer.name}:tunl0`, request);
      } else {
        const source = options.forwarding === 'nat' ? realServer.address : vip;
        const reply = transportPacket(source, client.address, step, tcp);
        if (options.replies === 'via-director') {
          const toDirector = ipv4Frame(realServer.mac, director.mac, reply);
          capture(`${realServer.name}:eth0`, toDirector);
          capture('lvs:eth0', toDirector);
          const fromDirector = ipv4Frame(director.mac, client.mac, reply);
          capture('lvs:eth0', fromDirector);
          capture('client:eth0', fromDirector);
        } else {
          const direct = ipv4Frame(realServer.mac, client.mac, reply);
          capture(`${realServer.name}:eth0`, direct);
          if (options.sharedSegment) capture('lvs:eth0', direct);
          capture('client:eth0', direct);
        }
      }
    });
  }

  const point = (host: string, role: CapturePoint['role'], iface: string): CapturePoint => {
    const file = `${host}-${iface}.pcap`;
    const linkType = iface === 'tunl0' ? LinkType.RAW : LinkType.ETHERNET;
    const packets = decodeCaptureFile(encodePcap(frames.get(`${host}:${iface}`) ?? [], { linkType }), file);
    return { host, role, iface, file, packets };
  };
  return {
    vip,
    port,
    ...(udp ? { protocol: 'udp' as const } : {}),
    ...(options.tunnel ? { tunnel: options.tunnel } : {}),
    client,
    directors: [director],
    realServers: [CLUSTER.web1, CLUSTER.web2],
    captures: [
      point('client', 'client', 'eth0'),
      point('lvs', 'director', 'eth0'),
      point('web1', 'real-server', 'eth0'),
      point('web1', 'real-server', 'tunl0'),
      point('web2', 'real-server', 'eth0'),
      point('web2', 'real-server', 'tunl0'),
    ],
  };
}

function tcpOf(step: Step, clientPort: number, sequences: { client: number; server: number }): TcpSpec {
  const fromClient = step.from === 'client';
  const spec: TcpSpec = {
    sourcePort: fromClient ? clientPort : CLUSTER.port,
    destinationPort: fromClient ? CLUSTER.port : clientPort,
    sequence: fromClient ? sequences.client : sequences.server,
    acknowledgment: step.flags.includes('.') ? (fromClient ? sequences.server : sequences.client) : 0,
    flags: step.flags,
    payload: new Uint8Array(step.payloadLength ?? 0),
  };
  // SYN and FIN take one sequence number, data its length.
  const advance = (step.payloadLength ?? 0) + (/[SF]/.test(step.flags) ? 1 : 0);
  if (fromClient) sequences.client += advance;
  else sequences.server += advance;
  return spec;
}
