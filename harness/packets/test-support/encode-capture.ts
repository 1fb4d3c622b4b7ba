// Writes frames as pcap or pcapng files, so decoder tests can feed both the
// decoder and tcpdump exactly the same bytes.
import { concatBytes } from './build-frames.js';

/** One frame to store; `timestampNanos` defaults to a fixed epoch plus one millisecond per frame. */
export interface FrameToWrite {
  data: Uint8Array;
  timestampNanos?: bigint;
  /** pcapng only: which interface (IDB) the frame belongs to. */
  interfaceId?: number;
}

const BASE_TIMESTAMP_NANOS = 1_700_000_000_000_000_000n;

function timestampOf(frame: FrameToWrite, index: number): bigint {
  return frame.timestampNanos ?? BASE_TIMESTAMP_NANOS + BigInt(index) * 1_000_000n;
}

class ByteWriter {
  private readonly chunks: Uint8Array[] = [];
  constructor(private readonly littleEndian: boolean) {}
  uint16(value: number): this {
    const bytes = new Uint8Array(2);
    new DataView(bytes.buffer).setUint16(0, value, this.littleEndian);
    return this.bytes(bytes);
  }
  uint32(value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value, this.littleEndian);
    return this.bytes(bytes);
  }
  int64(value: bigint): this {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigInt64(0, value, this.littleEndian);
    return this.bytes(bytes);
  }
  bytes(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    return this;
  }
  padTo4(): this {
    const length = this.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    return length % 4 === 0 ? this : this.bytes(new Uint8Array(4 - (length % 4)));
  }
  toBytes(): Uint8Array {
    return concatBytes(...this.chunks);
  }
}

/** Options of a classic pcap file. */
export interface PcapOptions {
  linkType?: number;
  nanosecond?: boolean;
  bigEndian?: boolean;
  /** Frames longer than this are cut, keeping their original length, as tcpdump -s does. */
  snapLength?: number;
}

/** Encodes frames as a classic pcap file. */
export function encodePcap(frames: FrameToWrite[], options: PcapOptions = {}): Uint8Array {
  const snapLength = options.snapLength ?? 262144;
  const writer = new ByteWriter(!options.bigEndian)
    .uint32(options.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4)
    .uint16(2)
    .uint16(4)
    .uint32(0)
    .uint32(0)
    .uint32(snapLength)
    .uint32(options.linkType ?? 1);
  frames.forEach((frame, index) => {
    const timestamp = timestampOf(frame, index);
    const fraction = timestamp % 1_000_000_000n;
    const captured = frame.data.subarray(0, snapLength);
    writer
      .uint32(Number(timestamp / 1_000_000_000n))
      .uint32(Number(options.nanosecond ? fraction : fraction / 1000n))
      .uint32(captured.length)
      .uint32(frame.data.length)
      .bytes(captured);
  });
  return writer.toBytes();
}

/** One pcapng interface; `timestampDecimals` is if_tsresol as a power of ten (6 = µs, 9 = ns). */
export interface PcapngInterface {
  linkType: number;
  name?: string;
  timestampDecimals?: number;
  snapLength?: number;
}

/** Options of a pcapng file: its interfaces and whether to add blocks readers must skip. */
export interface PcapngOptions {
  interfaces?: PcapngInterface[];
  bigEndian?: boolean;
  /** Adds a custom block (type 0x00000BAD) before the packets to prove readers skip unknown blocks. */
  withUnknownBlock?: boolean;
  /** Writes frames of interface 0 as simple packet blocks (no timestamp). */
  simplePackets?: boolean;
}

/** Encodes frames as a pcapng file with one section. */
export function encodePcapng(frames: FrameToWrite[], options: PcapngOptions = {}): Uint8Array {
  const littleEndian = !options.bigEndian;
  const interfaces = options.interfaces ?? [{ linkType: 1 }];
  const blocks: Uint8Array[] = [];
  const block = (type: number, body: Uint8Array) => {
    const padded = new ByteWriter(littleEndian).bytes(body).padTo4().toBytes();
    const total = padded.length + 12;
    blocks.push(new ByteWriter(littleEndian).uint32(type).uint32(total).bytes(padded).uint32(total).toBytes());
  };
  block(0x0a0d0d0a, new ByteWriter(littleEndian).uint32(0x1a2b3c4d).uint16(1).uint16(0).int64(-1n).toBytes());
  for (const captureInterface of interfaces) {
    const body = new ByteWriter(littleEndian).uint16(captureInterface.linkType).uint16(0).uint32(captureInterface.snapLength ?? 262144);
    if (captureInterface.name !== undefined) {
      const name = new TextEncoder().encode(captureInterface.name);
      body.uint16(2).uint16(name.length).bytes(name).padTo4();
    }
    if (captureInterface.timestampDecimals !== undefined) {
      body.uint16(9).uint16(1).bytes(Uint8Array.of(captureInterface.timestampDecimals)).padTo4();
    }
    body.uint16(0).uint16(0);
    block(1, body.toBytes());
  }
  if (options.withUnknownBlock) block(0x00000bad, Uint8Array.of(1, 2, 3, 4, 5, 6, 7));
  frames.forEach((frame, index) => {
    const interfaceId = frame.interfaceId ?? 0;
    const captureInterface = interfaces[interfaceId];
    if (!captureInterface) throw new Error(`frame ${index} names interface ${interfaceId}, which is not declared`);
    if (options.simplePackets && interfaceId === 0) {
      block(3, new ByteWriter(littleEndian).uint32(frame.data.length).bytes(frame.data).toBytes());
      return;
    }
    const decimals = BigInt(captureInterface.timestampDecimals ?? 6);
    const units = (timestampOf(frame, index) * 10n ** decimals) / 1_000_000_000n;
    const body = new ByteWriter(littleEndian)
      .uint32(interfaceId)
      .uint32(Number(units >> 32n))
      .uint32(Number(units & 0xffffffffn))
      .uint32(frame.data.length)
      .uint32(frame.data.length)
      .bytes(frame.data);
    block(6, body.toBytes());
  });
  return concatBytes(...blocks);
}
