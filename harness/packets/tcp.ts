// TCP header decoding. The payload length comes from the IP layer's lengths
// because captures are often cut at a snaplen: captured bytes would lie.
import { readUint16, readUint32 } from './byte-fields.js';
import type { TcpFlags, TcpSegment } from './decoded-packet.js';
import { LayerError, requireBytes } from './layer-error.js';

/** Flag letters in the order tcpdump prints them ('.' stands for ACK). */
const FLAG_LETTERS: ReadonlyArray<[keyof TcpFlags, string]> = [
  ['fin', 'F'],
  ['syn', 'S'],
  ['rst', 'R'],
  ['psh', 'P'],
  ['ack', '.'],
  ['urg', 'U'],
  ['ece', 'E'],
  ['cwr', 'W'],
];

/** tcpdump's `Flags [..]` text, e.g. `S.` for SYN-ACK and `none` for no flag. */
export function formatTcpFlags(flags: TcpFlags): string {
  const text = FLAG_LETTERS.filter(([name]) => flags[name])
    .map(([, letter]) => letter)
    .join('');
  return text === '' ? 'none' : text;
}

/** Decodes a segment whose IP payload (header + data) is `ipPayloadLength` bytes long. */
export function decodeTcp(bytes: Uint8Array, offset: number, ipPayloadLength: number): TcpSegment {
  requireBytes(bytes, offset, 20, 'tcp');
  const headerLength = ((bytes[offset + 12] ?? 0) >>> 4) * 4;
  if (headerLength < 20) throw new LayerError('tcp', offset, `data offset ${headerLength} is below the minimum 20`);
  if (ipPayloadLength < headerLength) {
    throw new LayerError('tcp', offset, `header length ${headerLength} exceeds the IP payload length ${ipPayloadLength}`);
  }
  requireBytes(bytes, offset, headerLength, 'tcp', 'header with options');
  const bits = bytes[offset + 13] ?? 0;
  const flags: TcpFlags = {
    fin: (bits & 0x01) !== 0,
    syn: (bits & 0x02) !== 0,
    rst: (bits & 0x04) !== 0,
    psh: (bits & 0x08) !== 0,
    ack: (bits & 0x10) !== 0,
    urg: (bits & 0x20) !== 0,
    ece: (bits & 0x40) !== 0,
    cwr: (bits & 0x80) !== 0,
  };
  const payloadLength = ipPayloadLength - headerLength;
  return {
    kind: 'tcp',
    sourcePort: readUint16(bytes, offset),
    destinationPort: readUint16(bytes, offset + 2),
    sequence: readUint32(bytes, offset + 4),
    acknowledgment: readUint32(bytes, offset + 8),
    headerLength,
    flags,
    flagsText: formatTcpFlags(flags),
    window: readUint16(bytes, offset + 14),
    checksum: readUint16(bytes, offset + 16),
    urgentPointer: readUint16(bytes, offset + 18),
    payloadLength,
    capturedPayloadLength: Math.max(0, Math.min(payloadLength, bytes.length - offset - headerLength)),
  };
}
