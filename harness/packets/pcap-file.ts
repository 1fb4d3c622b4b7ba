// Classic libpcap container: a 24-byte file header then 16-byte record
// headers. Both byte orders and both the microsecond and nanosecond magics.
import { CaptureFileError, FileFields, type CaptureRecord } from './capture-record.js';

const MAGIC_MICROS = 0xa1b2c3d4;
const MAGIC_NANOS = 0xa1b23c4d;
const FILE_HEADER_LENGTH = 24;
const RECORD_HEADER_LENGTH = 16;
/** Larger than any real frame; a bigger length means we are reading garbage. */
const MAX_RECORD_LENGTH = 0x10000000;

/** True when the bytes start with one of the classic pcap magics (either byte order). */
export function looksLikePcap(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && pcapMagic(new FileFields(bytes, true).uint32(0)) !== undefined;
}

/** Splits a classic pcap file into records; throws CaptureFileError only for a bad file header. */
export function readPcapRecords(bytes: Uint8Array, sourceName?: string): CaptureRecord[] {
  if (bytes.length < FILE_HEADER_LENGTH) {
    throw new CaptureFileError(sourceName, `${bytes.length} bytes is too short for a pcap file header (24 bytes)`);
  }
  const magic = pcapMagic(new FileFields(bytes, true).uint32(0));
  if (!magic) throw new CaptureFileError(sourceName, 'not a pcap file (unknown magic number)');
  const fields = new FileFields(bytes, magic.littleEndian);
  const linkType = fields.uint32(20) & 0xffff; // upper bits carry FCS information
  const nanosPerFraction = magic.nanos ? 1n : 1000n;
  const records: CaptureRecord[] = [];
  let offset = FILE_HEADER_LENGTH;
  while (offset < bytes.length) {
    const remaining = bytes.length - offset;
    if (remaining < RECORD_HEADER_LENGTH) {
      records.push(brokenRecord(linkType, `pcap record at file offset ${offset}: header needs 16 bytes, ${remaining} left in file`));
      break;
    }
    const capturedLength = fields.uint32(offset + 8);
    const originalLength = fields.uint32(offset + 12);
    const timestampNanos =
      BigInt(fields.uint32(offset)) * 1_000_000_000n + BigInt(fields.uint32(offset + 4)) * nanosPerFraction;
    if (capturedLength > MAX_RECORD_LENGTH) {
      records.push(brokenRecord(linkType, `pcap record at file offset ${offset}: implausible length ${capturedLength}`));
      break;
    }
    const dataStart = offset + RECORD_HEADER_LENGTH;
    const data = bytes.subarray(dataStart, Math.min(bytes.length, dataStart + capturedLength));
    const record: CaptureRecord = { linkType, timestampNanos, capturedLength, originalLength, data };
    if (data.length < capturedLength) {
      record.error = `pcap record at file offset ${offset}: ${capturedLength} bytes announced, ${data.length} left in file`;
    }
    records.push(record);
    offset = dataStart + capturedLength;
  }
  return records;
}

function pcapMagic(littleEndianMagic: number): { littleEndian: boolean; nanos: boolean } | undefined {
  if (littleEndianMagic === MAGIC_MICROS) return { littleEndian: true, nanos: false };
  if (littleEndianMagic === MAGIC_NANOS) return { littleEndian: true, nanos: true };
  const swapped = byteSwap32(littleEndianMagic);
  if (swapped === MAGIC_MICROS) return { littleEndian: false, nanos: false };
  if (swapped === MAGIC_NANOS) return { littleEndian: false, nanos: true };
  return undefined;
}

function byteSwap32(value: number): number {
  return (((value & 0xff) << 24) | ((value & 0xff00) << 8) | ((value >>> 8) & 0xff00) | (value >>> 24)) >>> 0;
}

function brokenRecord(linkType: number, error: string): CaptureRecord {
  return { linkType, timestampNanos: 0n, capturedLength: 0, originalLength: 0, data: new Uint8Array(0), error };
}
