import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from './capture-record.js';
import { decodeFrame } from './decode-frame.js';
import { LinkType } from './link-layers.js';
import {
  buildEthernetFrame,
  buildGrePacket,
  buildGuePacket,
  buildIpipPacket,
  buildIpv4Packet,
  buildSll2Frame,
  buildSllFrame,
  buildTcpIpv4,
  buildUdpDatagram,
  concatBytes,
  ipv4Frame,
} from './test-support/build-frames.js';
import { SAMPLE, sampleEthernetFrames, sampleSyn } from './test-support/sample-frames.js';

function record(data: Uint8Array, linkType: number = LinkType.ETHERNET): CaptureRecord {
  return { linkType, timestampNanos: 1_000_000_123_456n, capturedLength: data.length, originalLength: data.length, data };
}

function decodeSample(index: number) {
  const frame = sampleEthernetFrames()[index];
  if (!frame) throw new Error(`no sample frame ${index}`);
  return decodeFrame(record(frame), index);
}

describe('decodeFrame on Ethernet', () => {
  it('decodes Ethernet, IPv4 and TCP of a SYN', () => {
    const packet = decodeSample(0);
    expect(packet.error).toBeUndefined();
    expect(packet.timestampMicros).toBe(1_000_000_123);
    expect(packet.ethernet).toMatchObject({ source: SAMPLE.clientMac, destination: SAMPLE.directorMac, etherType: 0x0800, vlanTags: [] });
    expect(packet.ipv4).toMatchObject({
      source: SAMPLE.client,
      destination: SAMPLE.vip,
      protocol: 6,
      ttl: 64,
      headerLength: 20,
      totalLength: 40,
      identification: 0x1234,
      dontFragment: true,
      moreFragments: false,
      fragmentOffset: 0,
      headerChecksumValid: true,
    });
    expect(packet.ipv4?.tcp).toMatchObject({ sourcePort: 41234, destinationPort: 80, sequence: 123, flagsText: 'S', payloadLength: 0 });
    expect(packet.ipv4?.tcp?.flags).toMatchObject({ syn: true, ack: false });
  });

  it('decodes IP-in-IP recursively into inner', () => {
    const ipv4 = decodeSample(1).ipv4;
    expect(ipv4).toMatchObject({ source: SAMPLE.director, destination: SAMPLE.realServer, protocol: 4 });
    expect(ipv4?.tcp).toBeUndefined();
    expect(ipv4?.inner).toMatchObject({ source: SAMPLE.client, destination: SAMPLE.vip });
    expect(ipv4?.inner?.tcp).toMatchObject({ sourcePort: 41234, destinationPort: 80, flagsText: 'S' });
  });

  it('reads sequence numbers above 2^31 and the payload length', () => {
    const tcp = decodeSample(2).ipv4?.tcp;
    expect(tcp).toMatchObject({ sequence: 4_000_000_000, acknowledgment: 124, flagsText: 'P.', payloadLength: 24 });
  });

  it('skips 802.1Q tags to find the network layer', () => {
    const packet = decodeSample(3);
    expect(packet.ethernet?.vlanTags).toEqual([{ tpid: 0x8100, id: 10, priority: 0 }]);
    expect(packet.ethernet?.headerLength).toBe(18);
    expect(packet.ipv4?.tcp?.sourcePort).toBe(80);
  });

  it('decodes ARP requests and replies, ignoring Ethernet padding', () => {
    expect(decodeSample(4).arp).toMatchObject({ operationName: 'request', senderMac: SAMPLE.clientMac, senderIp: SAMPLE.client, targetIp: SAMPLE.vip });
    expect(decodeSample(5).arp).toMatchObject({ operationName: 'reply', senderMac: SAMPLE.directorMac, senderIp: SAMPLE.vip, targetMac: SAMPLE.clientMac });
  });

  it('decodes UDP ports and length', () => {
    expect(decodeSample(6).ipv4?.udp).toEqual({ kind: 'udp', sourcePort: 5353, destinationPort: 9999, length: 20, checksum: expect.any(Number), payloadLength: 12 });
  });

  it('writes TCP flags the way tcpdump does', () => {
    expect([7, 8, 9].map((index) => decodeSample(index).ipv4?.tcp?.flagsText)).toEqual(['.', 'F.', 'R']);
  });

  it('computes the TCP payload length from IP lengths when the capture was cut by snaplen', () => {
    const full = sampleEthernetFrames()[2] ?? new Uint8Array();
    const cut = full.subarray(0, 60);
    const packet = decodeFrame({ ...record(cut), originalLength: full.length }, 0);
    expect(packet.error).toBeUndefined();
    expect(packet.ipv4?.tcp).toMatchObject({ payloadLength: 24, capturedPayloadLength: 6 });
  });
});

describe('decodeFrame on unknown and broken data', () => {
  it('yields an unknown layer for an unregistered ethertype (LLDP)', () => {
    const frame = buildEthernetFrame({ source: SAMPLE.clientMac, destination: SAMPLE.directorMac, etherType: 0x88cc, payload: new Uint8Array(40) });
    const packet = decodeFrame(record(frame), 0);
    expect(packet.error).toBeUndefined();
    expect(packet.unknown).toEqual({ kind: 'unknown', protocol: 'ethertype 0x88cc', offset: 14, capturedLength: 40 });
  });

  it('yields an unknown layer for an unregistered IP protocol (SCTP)', () => {
    const sctp = buildIpv4Packet({ source: SAMPLE.director, destination: SAMPLE.realServer, protocol: 132, payload: new Uint8Array(8) });
    const packet = decodeFrame(record(ipv4Frame(SAMPLE.directorMac, SAMPLE.realServerMac, sctp)), 0);
    expect(packet.ipv4?.unknown).toEqual({ kind: 'unknown', protocol: 'ip protocol 132', offset: 34, capturedLength: 8 });
  });

  it('does not read a later fragment as a TCP header', () => {
    const fragment = buildIpv4Packet({ source: SAMPLE.client, destination: SAMPLE.vip, protocol: 6, payload: new Uint8Array(16), fragmentOffset: 1480, dontFragment: false });
    const ipv4 = decodeFrame(record(ipv4Frame(SAMPLE.clientMac, SAMPLE.directorMac, fragment)), 0).ipv4;
    expect(ipv4).toMatchObject({ fragmentOffset: 1480, dontFragment: false });
    expect(ipv4?.tcp).toBeUndefined();
    expect(ipv4?.unknown?.protocol).toBe('ip protocol 6 (fragment)');
  });

  it('names the layer and offset of a truncated TCP header but keeps the layers below', () => {
    const frame = (sampleEthernetFrames()[0] ?? new Uint8Array()).subarray(0, 14 + 20 + 12);
    const packet = decodeFrame(record(frame), 3);
    expect(packet.error).toBe('tcp at offset 34: header needs 20 bytes, 12 captured');
    expect(packet.ipv4?.source).toBe(SAMPLE.client);
  });

  it('names the inner layer when IP-in-IP carries a broken packet', () => {
    const broken = sampleSyn().slice();
    broken[0] = 0x65; // version 6 inside protocol 4
    const packet = decodeFrame(record(ipv4Frame(SAMPLE.directorMac, SAMPLE.realServerMac, buildIpipPacket(SAMPLE.director, SAMPLE.realServer, broken))), 0);
    expect(packet.error).toBe('ipv4 at offset 34: version field is 6, not 4');
    expect(packet.ipv4?.destination).toBe(SAMPLE.realServer);
  });

  it('reports a frame too short for Ethernet', () => {
    expect(decodeFrame(record(new Uint8Array(9)), 0).error).toBe('ethernet at offset 0: header needs 14 bytes, 9 captured');
  });

  it('reports an unsupported link type without throwing', () => {
    expect(decodeFrame(record(sampleSyn(), 147), 0).error).toBe('link at offset 0: link type 147 is not supported');
  });

  it('reports an IPv4 total length shorter than its header', () => {
    const syn = sampleSyn().slice();
    syn[2] = 0;
    syn[3] = 10;
    expect(decodeFrame(record(syn, LinkType.RAW), 0).error).toBe('ipv4 at offset 0: total length 10 is shorter than its header');
  });
});

describe('decodeFrame on link types without Ethernet', () => {
  it.each([LinkType.RAW, LinkType.RAW_LEGACY, LinkType.IPV4])('decodes raw IP (link type %i), as tunl0 captures are', (linkType) => {
    const packet = decodeFrame(record(sampleSyn(), linkType), 0);
    expect(packet.ethernet).toBeUndefined();
    expect(packet.ipv4?.tcp).toMatchObject({ sourcePort: 41234, flagsText: 'S' });
  });

  it('decodes Linux cooked SLL with its direction', () => {
    const packet = decodeFrame(record(buildSllFrame(4, SAMPLE.clientMac, 0x0800, sampleSyn()), LinkType.LINUX_SLL), 0);
    expect(packet.cooked).toMatchObject({ kind: 'sll', packetType: 4, sourceAddress: SAMPLE.clientMac, etherType: 0x0800 });
    expect(packet.ipv4?.destination).toBe(SAMPLE.vip);
  });

  it('decodes Linux cooked SLL2 with its interface index', () => {
    const packet = decodeFrame(record(buildSll2Frame(0, 3, SAMPLE.clientMac, 0x0800, sampleSyn()), LinkType.LINUX_SLL2), 0);
    expect(packet.cooked).toMatchObject({ kind: 'sll2', packetType: 0, interfaceIndex: 3, sourceAddress: SAMPLE.clientMac });
    expect(packet.ipv4?.tcp?.sequence).toBe(123);
  });

  it('reports a raw IP frame that is not IP', () => {
    expect(decodeFrame(record(concatBytes(Uint8Array.of(0x20), new Uint8Array(19)), LinkType.RAW), 0).error).toBe(
      'raw-ip at offset 0: IP version nibble is 2',
    );
  });

  it('decodes TCP inside IP-in-IP from raw IP too', () => {
    const packet = decodeFrame(record(buildIpipPacket(SAMPLE.director, SAMPLE.realServer, buildTcpIpv4(SAMPLE.client, SAMPLE.vip, { sourcePort: 1, destinationPort: 2 })), LinkType.RAW), 0);
    expect(packet.ipv4?.inner?.tcp).toMatchObject({ sourcePort: 1, destinationPort: 2 });
  });
});

describe('decodeFrame on the tunnels IPVS writes', () => {
  const frameOf = (ip: Uint8Array) => decodeFrame(record(ipv4Frame(SAMPLE.directorMac, SAMPLE.realServerMac, ip)), 0);

  it('finds the client packet inside IP-in-IP, GRE (with and without checksum) and GUE, and says which', () => {
    const cases = [
      ['ipip', buildIpipPacket(SAMPLE.director, SAMPLE.realServer, sampleSyn())],
      ['gre', buildGrePacket(SAMPLE.director, SAMPLE.realServer, sampleSyn())],
      ['gre', buildGrePacket(SAMPLE.director, SAMPLE.realServer, sampleSyn(), { checksum: true })],
      ['gue', buildGuePacket(SAMPLE.director, SAMPLE.realServer, sampleSyn(), { sourcePort: 40_001, port: 6080 })],
    ] as const;
    for (const [encapsulation, ip] of cases) {
      const packet = frameOf(ip);
      expect(packet.error, encapsulation).toBeUndefined();
      expect(packet.ipv4?.encapsulation, encapsulation).toBe(encapsulation);
      expect(packet.ipv4?.inner?.tcp?.flags.syn, encapsulation).toBe(true);
      expect(packet.ipv4?.inner?.destination).toBe(SAMPLE.vip);
    }
    const gre = frameOf(buildGrePacket(SAMPLE.director, SAMPLE.realServer, sampleSyn(), { checksum: true })).ipv4?.gre;
    expect(gre).toMatchObject({ version: 0, checksumPresent: true, keyPresent: false, protocolType: 0x0800, headerLength: 8 });
    const gue = frameOf(buildGuePacket(SAMPLE.director, SAMPLE.realServer, sampleSyn(), { sourcePort: 40_001, port: 6080 })).ipv4;
    expect(gue?.udp).toMatchObject({ destinationPort: 6080, gue: { version: 0, protocol: 4, headerLength: 4 } });
  });

  it('reads a UDP payload as GUE only when a whole, valid IPv4 packet follows the header: otherwise it stays UDP', () => {
    const plain = (payload: Uint8Array) => {
      const ip = frameOf(buildIpv4Packet({ source: SAMPLE.client, destination: SAMPLE.vip, protocol: 17, payload: buildUdpDatagram(SAMPLE.client, SAMPLE.vip, { sourcePort: 5000, destinationPort: 53, payload }) })).ipv4;
      if (!ip) throw new Error('no IPv4 decoded');
      return ip;
    };
    // A GUE-like first word, then garbage.
    expect(plain(concatBytes(Uint8Array.of(0, 4, 0, 0), new Uint8Array(40))).inner).toBeUndefined();
    // A valid inner packet whose checksum was spoiled.
    const spoiled = concatBytes(Uint8Array.of(0, 4, 0, 0), sampleSyn());
    spoiled[4 + 10] = spoiled[4 + 10]! ^ 0xff;
    const spoilt = plain(spoiled);
    expect(spoilt.inner).toBeUndefined();
    expect(spoilt.udp?.gue).toBeUndefined();
    // A whole inner packet, but the datagram runs on past it.
    expect(plain(concatBytes(Uint8Array.of(0, 4, 0, 0), sampleSyn(), new Uint8Array(4))).inner).toBeUndefined();
    expect(plain(new TextEncoder().encode('GET /\n')).udp?.payloadLength).toBe(6);
  });

  it('leaves a GRE payload other than IPv4 undecoded, and refuses GRE version 1 (PPTP) with an error', () => {
    const ipv6Inside = buildIpv4Packet({ source: SAMPLE.director, destination: SAMPLE.realServer, protocol: 47, payload: concatBytes(Uint8Array.of(0, 0, 0x86, 0xdd), new Uint8Array(40)) });
    const packet = frameOf(ipv6Inside);
    expect(packet.ipv4?.gre?.protocolType).toBe(0x86dd);
    expect(packet.ipv4?.inner).toBeUndefined();
    const pptp = frameOf(buildIpv4Packet({ source: SAMPLE.director, destination: SAMPLE.realServer, protocol: 47, payload: Uint8Array.of(0x30, 0x01, 0x88, 0x0b, 0, 0, 0, 0) }));
    expect(pptp.error).toMatch(/gre.*version 1/);
  });
});
