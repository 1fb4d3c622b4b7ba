import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCaptureFile, readCaptureFile, sniffCaptureFormat } from './capture-file.js';
import { encodePcap, encodePcapng } from './test-support/encode-capture.js';
import { SAMPLE, sampleEthernetFrames } from './test-support/sample-frames.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'lvs-capture-file-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const frames = sampleEthernetFrames().map((data) => ({ data }));

describe('decodeCaptureFile', () => {
  it('tells pcap from pcapng by content', () => {
    expect(sniffCaptureFormat(encodePcap(frames))).toBe('pcap');
    expect(sniffCaptureFormat(encodePcap(frames, { bigEndian: true, nanosecond: true }))).toBe('pcap');
    expect(sniffCaptureFormat(encodePcapng(frames))).toBe('pcapng');
    expect(sniffCaptureFormat(Uint8Array.of(1, 2, 3, 4))).toBeUndefined();
  });

  it('decodes the same packets from pcap and pcapng', () => {
    const fromPcap = decodeCaptureFile(encodePcap(frames));
    const fromPcapng = decodeCaptureFile(encodePcapng(frames));
    expect(fromPcap).toHaveLength(frames.length);
    expect(fromPcapng).toEqual(fromPcap);
    expect(fromPcap.map((packet) => packet.index)).toEqual(frames.map((_, index) => index));
  });

  it('throws for an empty file, naming it', () => {
    expect(() => decodeCaptureFile(new Uint8Array(0), 'web1-tunl0.pcap')).toThrow(
      'capture file web1-tunl0.pcap: file is empty (was tcpdump stopped before writing its header?)',
    );
  });

  it('throws for a file that is neither format, showing its first bytes', () => {
    expect(() => decodeCaptureFile(new TextEncoder().encode('hello'))).toThrow('capture: neither pcap nor pcapng (first bytes: 68 65 6c 6c)');
  });
});

describe('readCaptureFile', () => {
  it('reads and decodes a file from disk', async () => {
    const path = join(folder, 'client-eth0.pcap');
    await writeFile(path, encodePcap(frames));
    const packets = await readCaptureFile(path);
    expect(packets[1]?.ipv4?.inner?.source).toBe(SAMPLE.client);
  });

  it('names the path of a file it cannot read', async () => {
    const path = join(folder, 'garbage.pcap');
    await writeFile(path, 'not a capture at all');
    await expect(readCaptureFile(path)).rejects.toThrow(`capture file ${path}: neither pcap nor pcapng`);
  });
});
