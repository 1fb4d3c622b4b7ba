// Checks the decoder against tcpdump's own reading of the very same files.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCaptureFile } from './capture-file.js';
import type { DecodedPacket, IpPacket } from './decoded-packet.js';
import { LinkType } from './link-layers.js';
import { buildGrePacket, buildGuePacket, buildIp6ip6Packet, buildIpipPacket, buildSixInFourPacket, buildSll2Frame, buildSllFrame, buildTcpIpv6, ipv4Frame, ipv6Frame } from './test-support/build-frames.js';
import { encodePcap, encodePcapng, type FrameToWrite } from './test-support/encode-capture.js';
import { SAMPLE, sampleEthernetFrames, sampleSyn } from './test-support/sample-frames.js';
import { parseTcpdumpOutput, type TcpdumpIp, type TcpdumpLine } from './test-support/tcpdump-lines.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'lvs-tcpdump-agreement-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Odd nanoseconds so truncation to microseconds is exercised. */
const frames: FrameToWrite[] = sampleEthernetFrames().map((data, index) => ({
  data,
  timestampNanos: 1_700_000_000_000_000_000n + BigInt(index) * 1_234_567_891n,
}));

function tcpdumpRead(path: string): TcpdumpLine[] {
  // -S: absolute sequence numbers, the ones in the packet.
  const output = execFileSync('tcpdump', ['-r', path, '-nn', '-e', '-tt', '-S'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseTcpdumpOutput(output);
}

function asTcpdumpSees(packet: DecodedPacket): TcpdumpLine {
  const micros = BigInt(packet.timestampMicros);
  const line: TcpdumpLine = { timestamp: `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}` };
  if (packet.ethernet) {
    line.sourceMac = packet.ethernet.source;
    line.destinationMac = packet.ethernet.destination;
    const [vlan] = packet.ethernet.vlanTags;
    if (vlan) line.vlanId = vlan.id;
  }
  if (packet.cooked) {
    line.direction = packet.cooked.packetType === 4 ? 'Out' : 'In';
    line.sourceMac = packet.cooked.sourceAddress;
  }
  if (packet.arp?.operationName === 'request') line.arp = { operation: 'request', senderIp: packet.arp.senderIp, targetIp: packet.arp.targetIp };
  if (packet.arp?.operationName === 'reply') line.arp = { operation: 'reply', senderIp: packet.arp.senderIp, senderMac: packet.arp.senderMac };
  if (packet.ipv4) line.ip = ipAsTcpdumpSees(packet.ipv4);
  if (packet.ipv6) line.ip = ipAsTcpdumpSees(packet.ipv6);
  return line;
}

function ipAsTcpdumpSees(ip: IpPacket): TcpdumpIp {
  const view: TcpdumpIp = { source: ip.source, destination: ip.destination };
  // tcpdump has no GUE decoder: it prints the outer UDP datagram only.
  if (ip.inner && ip.encapsulation !== 'gue') view.inner = ipAsTcpdumpSees(ip.inner);
  const ports = ip.tcp ?? ip.udp;
  if (ports) {
    view.sourcePort = ports.sourcePort;
    view.destinationPort = ports.destinationPort;
  }
  if (ip.tcp) {
    view.flags = ip.tcp.flagsText;
    // tcpdump leaves seq out of bare ACKs.
    const { syn, fin, rst, ack } = ip.tcp.flags;
    if (ip.tcp.payloadLength > 0 || syn || fin || rst) view.sequence = ip.tcp.sequence;
    if (ack) view.acknowledgment = ip.tcp.acknowledgment;
  }
  return view;
}

async function expectAgreement(name: string, file: Uint8Array, expectedCount: number): Promise<void> {
  const path = join(folder, name);
  await writeFile(path, file);
  const theirs = tcpdumpRead(path);
  const ours = decodeCaptureFile(file, path);
  expect(ours.map((packet) => packet.error)).toEqual(ours.map(() => undefined));
  expect(theirs).toHaveLength(expectedCount);
  expect(ours.map(asTcpdumpSees)).toEqual(theirs);
}

describe('decoder and tcpdump read the same files alike', () => {
  it('little-endian microsecond pcap', async () => {
    await expectAgreement('micros.pcap', encodePcap(frames), frames.length);
  });

  it('big-endian nanosecond pcap', async () => {
    await expectAgreement('nanos-big-endian.pcap', encodePcap(frames, { nanosecond: true, bigEndian: true }), frames.length);
  });

  it('pcapng with nanosecond resolution and an unknown block', async () => {
    const file = encodePcapng(frames, { interfaces: [{ linkType: LinkType.ETHERNET, name: 'eth0', timestampDecimals: 9 }], withUnknownBlock: true });
    await expectAgreement('nanos.pcapng', file, frames.length);
  });

  it('big-endian pcapng', async () => {
    await expectAgreement('big-endian.pcapng', encodePcapng(frames, { bigEndian: true }), frames.length);
  });

  it('raw IP as captured on tunl0', async () => {
    const tunnelled = [{ data: sampleSyn() }, { data: buildIpipPacket(SAMPLE.director, SAMPLE.realServer, sampleSyn()) }];
    await expectAgreement('tunl0-raw.pcap', encodePcap(tunnelled, { linkType: LinkType.RAW }), 2);
    await expectAgreement('tunl0-ipv4.pcap', encodePcap(tunnelled, { linkType: LinkType.IPV4 }), 2);
  });

  it("the other tunnels IPVS writes: GRE with and without its checksum, and GUE (which tcpdump reads as plain UDP)", async () => {
    const { directorMac, realServerMac } = SAMPLE;
    const tunnels = [
      { data: ipv4Frame(directorMac, realServerMac, buildGrePacket(SAMPLE.director, SAMPLE.realServer, sampleSyn())) },
      { data: ipv4Frame(directorMac, realServerMac, buildGrePacket(SAMPLE.director, SAMPLE.realServer, sampleSyn(), { checksum: true })) },
      { data: ipv4Frame(directorMac, realServerMac, buildGuePacket(SAMPLE.director, SAMPLE.realServer, sampleSyn(), { sourcePort: 40_123, port: 6080 })) },
    ];
    await expectAgreement('tunnels.pcap', encodePcap(tunnels), 3);
  });

  it('IPv6: a plain segment, IPv6-in-IPv6 and IPv6 inside IPv4, as the director tunnels an IPv6 VIP', async () => {
    const { clientMac, directorMac, realServerMac } = SAMPLE;
    const syn = buildTcpIpv6('2001:db8:73::50', '2001:db8:73::120', { sourcePort: 41_234, destinationPort: 80, sequence: 123, flags: 'S' });
    const ack = buildTcpIpv6('2001:db8:73::120', '2001:db8:73::50', { sourcePort: 80, destinationPort: 41_234, sequence: 900, acknowledgment: 124, flags: 'S.' });
    const ipv6Frames = [
      { data: ipv6Frame(clientMac, directorMac, syn) },
      { data: ipv6Frame(directorMac, realServerMac, buildIp6ip6Packet('2001:db8:73::100', '2001:db8:73::110', syn)) },
      { data: ipv4Frame(directorMac, realServerMac, buildSixInFourPacket(SAMPLE.director, SAMPLE.realServer, syn)) },
      { data: ipv6Frame(realServerMac, clientMac, ack) },
    ];
    await expectAgreement('ipv6.pcap', encodePcap(ipv6Frames), 4);
  });

  it('Linux cooked v1 and v2 as written by tcpdump -i any', async () => {
    const syn = sampleSyn();
    const sll = [{ data: buildSllFrame(4, SAMPLE.clientMac, 0x0800, syn) }, { data: buildSllFrame(0, SAMPLE.directorMac, 0x0800, syn) }];
    await expectAgreement('any-sll.pcap', encodePcap(sll, { linkType: LinkType.LINUX_SLL }), 2);
    const sll2 = [{ data: buildSll2Frame(4, 1, SAMPLE.clientMac, 0x0800, syn) }];
    await expectAgreement('any-sll2.pcap', encodePcap(sll2, { linkType: LinkType.LINUX_SLL2 }), 1);
  });
});
