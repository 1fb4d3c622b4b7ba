// The entry points callers use: hand over a capture file's bytes (or path)
// and get decoded packets, whichever container tcpdump chose to write.
import { readFile } from 'node:fs/promises';
import { CaptureFileError, type CaptureRecord } from './capture-record.js';
import { decodeFrame } from './decode-frame.js';
import type { DecodedPacket } from './decoded-packet.js';
import { looksLikePcap, readPcapRecords } from './pcap-file.js';
import { looksLikePcapng, readPcapngRecords } from './pcapng-file.js';

/** Which container a file uses, decided by its first bytes rather than its name. */
export function sniffCaptureFormat(bytes: Uint8Array): 'pcap' | 'pcapng' | undefined {
  if (looksLikePcapng(bytes)) return 'pcapng';
  if (looksLikePcap(bytes)) return 'pcap';
  return undefined;
}

/** Splits a pcap or pcapng file into raw records; throws CaptureFileError for an unreadable header. */
export function readCaptureRecords(bytes: Uint8Array, sourceName?: string): CaptureRecord[] {
  const format = sniffCaptureFormat(bytes);
  if (format === 'pcapng') return readPcapngRecords(bytes, sourceName);
  if (format === 'pcap') return readPcapRecords(bytes, sourceName);
  if (bytes.length === 0) {
    // tcpdump killed before it flushed anything leaves an empty file: say so plainly.
    throw new CaptureFileError(sourceName, 'file is empty (was tcpdump stopped before writing its header?)');
  }
  const head = Array.from(bytes.subarray(0, 4), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
  throw new CaptureFileError(sourceName, `neither pcap nor pcapng (first bytes: ${head})`);
}

/** Decodes every frame of a pcap or pcapng file; only a bad file header throws. */
export function decodeCaptureFile(bytes: Uint8Array, sourceName?: string): DecodedPacket[] {
  return readCaptureRecords(bytes, sourceName).map((record, index) => decodeFrame(record, index));
}

/** Reads and decodes a capture file from disk; errors name the path. */
export async function readCaptureFile(path: string): Promise<DecodedPacket[]> {
  const bytes = await readFile(path);
  return decodeCaptureFile(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
