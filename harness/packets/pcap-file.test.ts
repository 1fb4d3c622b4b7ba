import { describe, expect, it } from 'vitest';
import { CaptureFileError } from './capture-record.js';
import { readPcapRecords } from './pcap-file.js';
import { encodePcap } from './test-support/encode-capture.js';
import { sampleEthernetFrames } from './test-support/sample-frames.js';

const frames = sampleEthernetFrames().slice(0, 3);
const timestamp = 1_700_000_123_456_789_123n;

describe('readPcapRecords', () => {
  it.each([
    { bigEndian: false, nanosecond: false },
    { bigEndian: true, nanosecond: false },
    { bigEndian: false, nanosecond: true },
    { bigEndian: true, nanosecond: true },
  ])('reads %o files', (options) => {
    const file = encodePcap(frames.map((data) => ({ data, timestampNanos: timestamp })), { ...options, linkType: 1 });
    const records = readPcapRecords(file);
    expect(records.map((record) => record.data)).toEqual(frames);
    expect(records[0]?.linkType).toBe(1);
    expect(records[0]?.timestampNanos).toBe(options.nanosecond ? timestamp : 1_700_000_123_456_789_000n);
  });

  it('keeps the original length of frames cut by the snaplen', () => {
    const [record] = readPcapRecords(encodePcap([{ data: frames[2] ?? new Uint8Array() }], { snapLength: 50 }));
    expect(record).toMatchObject({ capturedLength: 50, originalLength: frames[2]?.length });
  });

  it('returns the readable packets and flags the one cut by the end of the file', () => {
    const file = encodePcap(frames.map((data) => ({ data })));
    const records = readPcapRecords(file.subarray(0, file.length - 10));
    expect(records).toHaveLength(3);
    expect(records[1]?.error).toBeUndefined();
    expect(records[2]?.error).toMatch(/^pcap record at file offset \d+: \d+ bytes announced, \d+ left in file$/);
  });

  it('flags a record header cut by the end of the file', () => {
    const file = encodePcap([{ data: frames[0] ?? new Uint8Array() }]);
    const withPartialHeader = new Uint8Array([...file, 1, 2, 3]);
    expect(readPcapRecords(withPartialHeader).at(-1)?.error).toBe(
      `pcap record at file offset ${file.length}: header needs 16 bytes, 3 left in file`,
    );
  });

  it('throws a message naming the file for a short header', () => {
    expect(() => readPcapRecords(new Uint8Array(10), '/tmp/x/client-eth0.pcap')).toThrow(
      new CaptureFileError('/tmp/x/client-eth0.pcap', '10 bytes is too short for a pcap file header (24 bytes)'),
    );
    expect(() => readPcapRecords(new Uint8Array(10), '/tmp/x/client-eth0.pcap')).toThrow(
      'capture file /tmp/x/client-eth0.pcap: 10 bytes is too short',
    );
  });

  it('throws for an unknown magic number', () => {
    expect(() => readPcapRecords(new Uint8Array(24), 'a.pcap')).toThrow('capture file a.pcap: not a pcap file (unknown magic number)');
  });
});
