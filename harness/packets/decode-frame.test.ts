import { describe, expect, it } from 'vitest';
import type { CaptureRecord } from './capture-record.js';
import { decodeFrame } from './decode-frame.js';
import { LinkType } from './link-layers.js';
import {
  buildEthernetFrame,
  buildIpipPacket,
  buildIpv4Packet,
  buildSll2Frame,
  buildSllFrame,
  buildTcpIpv4,
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
  it('yields an unknown layer for an unregistered ethertype', () => {
    const frame = buildEthernetFrame({ source: SAMPLE.clientMac, destination: SAMPLE.directorMac, etherType: 0x86dd, payload: new Uint8Array(40) });
    const packet = decodeFrame(record(frame), 0);
    expect(packet.error).toBeUndefined();
    expect(packet.unknown).toEqual({ kind: 'unknown', protocol: 'ethertype 0x86dd', offset: 14, capturedLength: 40 });
  });

  it('yields an unknown layer for an unregistered IP protocol (GRE)', () => {
    const gre = buildIpv4Packet({ source: SAMPLE.director, destination: SAMPLE.realServer, protocol: 47, payload: new Uint8Array(8) });
    const packet = decodeFrame(record(ipv4Frame(SAMPLE.directorMac, SAMPLE.realServerMac, gre)), 0);
    expect(packet.ipv4?.unknown).toEqual({ kind: 'unknown', protocol: 'ip protocol 47', offset: 34, capturedLength: 8 });
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
