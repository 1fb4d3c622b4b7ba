import { describe, expect, it } from 'vitest';
import { decodeCaptureFile } from './capture-file.js';
import { LinkType } from './link-layers.js';
import { readPcapngRecords } from './pcapng-file.js';
import { encodePcapng } from './test-support/encode-capture.js';
import { sampleEthernetFrames, sampleSyn } from './test-support/sample-frames.js';

const frames = sampleEthernetFrames().slice(0, 3);

describe('readPcapngRecords', () => {
  it.each([false, true])('reads enhanced packet blocks (big endian: %s) and skips unknown blocks', (bigEndian) => {
    const file = encodePcapng(frames.map((data) => ({ data })), { bigEndian, withUnknownBlock: true });
    const records = readPcapngRecords(file);
    expect(records.map((record) => record.data)).toEqual(frames);
    expect(records.map((record) => record.timestampNanos)).toEqual([
      1_700_000_000_000_000_000n,
      1_700_000_000_001_000_000n,
      1_700_000_000_002_000_000n,
    ]);
  });

  it('takes link type, name and timestamp resolution from each frame\'s own interface', () => {
    const file = encodePcapng(
      [
        { data: frames[0] ?? new Uint8Array(), interfaceId: 0, timestampNanos: 1_700_000_000_123_456_789n },
        { data: sampleSyn(), interfaceId: 1, timestampNanos: 1_700_000_000_123_456_789n },
      ],
      {
        interfaces: [
          { linkType: LinkType.ETHERNET, name: 'eth0' },
          { linkType: LinkType.RAW, name: 'tunl0', timestampDecimals: 9 },
        ],
      },
    );
    const packets = decodeCaptureFile(file);
    expect(packets.map((packet) => [packet.linkType, packet.interfaceName, packet.timestampNanos])).toEqual([
      [LinkType.ETHERNET, 'eth0', 1_700_000_000_123_456_000n],
      [LinkType.RAW, 'tunl0', 1_700_000_000_123_456_789n],
    ]);
    expect(packets.map((packet) => packet.ipv4?.tcp?.sourcePort)).toEqual([41234, 41234]);
  });

  it('reads simple packet blocks, which have no timestamp', () => {
    const records = readPcapngRecords(encodePcapng(frames.map((data) => ({ data })), { simplePackets: true }));
    expect(records.map((record) => record.data)).toEqual(frames);
    expect(records[0]?.timestampNanos).toBe(0n);
  });

  it('flags a block cut by the end of the file and keeps those before it', () => {
    const file = encodePcapng(frames.map((data) => ({ data })));
    const records = readPcapngRecords(file.subarray(0, file.length - 20));
    expect(records).toHaveLength(3);
    expect(records[1]?.error).toBeUndefined();
    expect(records[2]?.error).toMatch(/^pcapng block at file offset \d+: \d+ bytes announced, \d+ left in file$/);
  });

  it('flags a packet of an interface that was never described', () => {
    const file = encodePcapng([{ data: frames[0] ?? new Uint8Array() }]);
    // The EPB follows a 28-byte SHB and a 24-byte IDB; its interface id is 8 bytes in (little endian).
    file[28 + 24 + 8] = 7;
    const [record] = readPcapngRecords(file);
    expect(record?.error).toMatch(/interface 7 was never described/);
  });

  it('throws naming the file when the section header is broken', () => {
    const file = encodePcapng([]);
    file[8] = 0; // byte-order magic
    expect(() => readPcapngRecords(file, 'director-eth0.pcapng')).toThrow(
      'capture file director-eth0.pcapng: pcapng section header has an unknown byte-order magic',
    );
  });
});
