// pcapng container: sections (SHB) of interfaces (IDB) and packets (EPB, SPB,
// the obsolete PB). Link type and timestamp resolution are per interface,
// which matters for `tcpdump -i any` and for files merged from several hosts.
import { CaptureFileError, FileFields, type CaptureRecord } from './capture-record.js';

const SECTION_HEADER = 0x0a0d0d0a;
const INTERFACE_DESCRIPTION = 0x00000001;
const OBSOLETE_PACKET = 0x00000002;
const SIMPLE_PACKET = 0x00000003;
const ENHANCED_PACKET = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPTION_END = 0;
const OPTION_IF_NAME = 2;
const OPTION_IF_TSRESOL = 9;
const OPTION_IF_TSOFFSET = 14;

interface CaptureInterface {
  linkType: number;
  snapLength: number;
  name?: string;
  unitsPerSecond: bigint;
  offsetSeconds: bigint;
}

/** True when the bytes start with a pcapng section header block. */
export function looksLikePcapng(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new FileFields(bytes, true).uint32(0) === SECTION_HEADER;
}

/** Splits a pcapng file into packet records; throws CaptureFileError only for a bad first section header. */
export function readPcapngRecords(bytes: Uint8Array, sourceName?: string): CaptureRecord[] {
  if (bytes.length < 28 || !looksLikePcapng(bytes)) {
    throw new CaptureFileError(sourceName, 'not a pcapng file (no section header block at the start)');
  }
  const fields = new FileFields(bytes, true);
  if (sectionByteOrder(fields, 0) === undefined) {
    throw new CaptureFileError(sourceName, 'pcapng section header has an unknown byte-order magic');
  }
  const records: CaptureRecord[] = [];
  let interfaces: CaptureInterface[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const broken = (problem: string) => records.push(brokenRecord(interfaces, `pcapng block at file offset ${offset}: ${problem}`));
    if (bytes.length - offset < 12) {
      broken(`block header needs 12 bytes, ${bytes.length - offset} left in file`);
      break;
    }
    const type = fields.uint32(offset);
    if (type === SECTION_HEADER) {
      const littleEndian = sectionByteOrder(fields, offset);
      if (littleEndian === undefined) {
        broken('unknown byte-order magic');
        break;
      }
      fields.littleEndian = littleEndian;
      interfaces = []; // interface ids restart with every section
    }
    const blockLength = fields.uint32(offset + 4);
    if (blockLength < 12 || blockLength % 4 !== 0) {
      broken(`invalid block length ${blockLength}`);
      break;
    }
    const truncated = offset + blockLength > bytes.length;
    const blockEnd = Math.min(offset + blockLength, bytes.length);
    const block = { offset, end: truncated ? blockEnd : blockEnd - 4, truncated };
    if (type === INTERFACE_DESCRIPTION) interfaces.push(readInterface(fields, block));
    else if (type === ENHANCED_PACKET || type === OBSOLETE_PACKET || type === SIMPLE_PACKET) {
      const record = readPacket(type, fields, block, interfaces);
      if (truncated) record.error = `pcapng block at file offset ${offset}: ${blockLength} bytes announced, ${blockEnd - offset} left in file`;
      records.push(record);
    }
    if (truncated) break;
    offset += blockLength;
  }
  return records;
}

function sectionByteOrder(fields: FileFields, offset: number): boolean | undefined {
  if (fields.bytes.length < offset + 12) return undefined;
  const magic = new FileFields(fields.bytes, true).uint32(offset + 8);
  if (magic === BYTE_ORDER_MAGIC) return true;
  if (new FileFields(fields.bytes, false).uint32(offset + 8) === BYTE_ORDER_MAGIC) return false;
  return undefined;
}

interface BlockBounds {
  offset: number;
  /** End of the body (before the trailing length), or of the file when truncated. */
  end: number;
  truncated: boolean;
}

function readInterface(fields: FileFields, block: BlockBounds): CaptureInterface {
  const captureInterface: CaptureInterface = {
    linkType: block.end >= block.offset + 10 ? fields.uint16(block.offset + 8) : 0,
    snapLength: block.end >= block.offset + 16 ? fields.uint32(block.offset + 12) : 0,
    unitsPerSecond: 1_000_000n,
    offsetSeconds: 0n,
  };
  for (const option of readOptions(fields, block.offset + 16, block.end)) {
    if (option.code === OPTION_IF_NAME) captureInterface.name = new TextDecoder().decode(option.value).replace(/\0+$/, '');
    if (option.code === OPTION_IF_TSRESOL && option.value.length >= 1) {
      const resolution = option.value[0] ?? 6;
      captureInterface.unitsPerSecond = resolution & 0x80 ? 2n ** BigInt(resolution & 0x7f) : 10n ** BigInt(resolution);
    }
    if (option.code === OPTION_IF_TSOFFSET && option.value.length >= 8) {
      captureInterface.offsetSeconds = new FileFields(option.value, fields.littleEndian).bigInt64(0);
    }
  }
  return captureInterface;
}

function* readOptions(fields: FileFields, start: number, end: number): Generator<{ code: number; value: Uint8Array }> {
  let offset = start;
  while (offset + 4 <= end) {
    const code = fields.uint16(offset);
    const length = fields.uint16(offset + 2);
    if (code === OPTION_END || offset + 4 + length > end) return;
    yield { code, value: fields.bytes.subarray(offset + 4, offset + 4 + length) };
    offset += 4 + Math.ceil(length / 4) * 4;
  }
}

function readPacket(type: number, fields: FileFields, block: BlockBounds, interfaces: CaptureInterface[]): CaptureRecord {
  const at = block.offset;
  const fixedLength = type === SIMPLE_PACKET ? 12 : 28;
  if (block.end < at + fixedLength) {
    return brokenRecord(interfaces, `pcapng block at file offset ${at}: packet header needs ${fixedLength} bytes`);
  }
  const interfaceId = type === SIMPLE_PACKET ? 0 : type === OBSOLETE_PACKET ? fields.uint16(at + 8) : fields.uint32(at + 8);
  const captureInterface = interfaces[interfaceId];
  if (!captureInterface) {
    return brokenRecord(interfaces, `pcapng block at file offset ${at}: interface ${interfaceId} was never described`);
  }
  const dataStart = at + fixedLength;
  let capturedLength: number;
  let originalLength: number;
  let timestampNanos = 0n; // simple packet blocks carry no timestamp
  if (type === SIMPLE_PACKET) {
    originalLength = fields.uint32(at + 8);
    const room = block.end - dataStart;
    capturedLength = Math.min(originalLength, room, captureInterface.snapLength || room);
  } else {
    capturedLength = fields.uint32(at + 20);
    originalLength = fields.uint32(at + 24);
    const units = (BigInt(fields.uint32(at + 12)) << 32n) | BigInt(fields.uint32(at + 16));
    timestampNanos =
      (units * 1_000_000_000n) / captureInterface.unitsPerSecond + captureInterface.offsetSeconds * 1_000_000_000n;
  }
  const data = fields.bytes.subarray(dataStart, Math.min(block.end, dataStart + capturedLength));
  const record: CaptureRecord = { linkType: captureInterface.linkType, timestampNanos, capturedLength, originalLength, data };
  if (captureInterface.name !== undefined) record.interfaceName = captureInterface.name;
  if (data.length < capturedLength) {
    record.error = `pcapng block at file offset ${at}: ${capturedLength} bytes announced, ${data.length} present`;
  }
  return record;
}

function brokenRecord(interfaces: CaptureInterface[], error: string): CaptureRecord {
  const linkType = interfaces[0]?.linkType ?? 0;
  return { linkType, timestampNanos: 0n, capturedLength: 0, originalLength: 0, data: new Uint8Array(0), error };
}
