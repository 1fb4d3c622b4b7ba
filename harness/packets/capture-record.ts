// The container-independent unit both file readers produce, so frame
// decoding does not care whether bytes came from pcap or pcapng.

/** One frame as stored in a capture file, before protocol decoding. */
export interface CaptureRecord {
  linkType: number;
  timestampNanos: bigint;
  capturedLength: number;
  originalLength: number;
  data: Uint8Array;
  interfaceName?: string;
  /** Set when the record itself was cut short or malformed (e.g. tcpdump killed mid-write). */
  error?: string;
}

/** Thrown only when a file cannot be read at all (bad header): says which file and what is wrong. */
export class CaptureFileError extends Error {
  constructor(sourceName: string | undefined, problem: string) {
    super(`${sourceName === undefined ? 'capture' : `capture file ${sourceName}`}: ${problem}`);
    this.name = 'CaptureFileError';
  }
}

/** Bounds-checked little/big-endian reader over a whole file, shared by both container formats. */
export class FileFields {
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    public littleEndian: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  uint16(offset: number): number {
    return this.view.getUint16(offset, this.littleEndian);
  }
  uint32(offset: number): number {
    return this.view.getUint32(offset, this.littleEndian);
  }
  bigUint64(offset: number): bigint {
    return this.view.getBigUint64(offset, this.littleEndian);
  }
  bigInt64(offset: number): bigint {
    return this.view.getBigInt64(offset, this.littleEndian);
  }
}
