// Turns one stored frame into a DecodedPacket, containing every failure so a
// capture file always decodes to one entry per frame.
import type { CaptureRecord } from './capture-record.js';
import type { DecodedPacket } from './decoded-packet.js';
import { LayerError } from './layer-error.js';
import { decodeLinkLayer } from './link-layers.js';
import type { DecodeContext } from './protocol-registry.js';

/** Decodes all layers of a record; problems land in `error`, never in an exception. */
export function decodeFrame(record: CaptureRecord, index: number): DecodedPacket {
  const packet: DecodedPacket = {
    index,
    timestampMicros: Number(record.timestampNanos / 1000n),
    timestampNanos: record.timestampNanos,
    linkType: record.linkType,
    capturedLength: record.capturedLength,
    originalLength: record.originalLength,
  };
  if (record.interfaceName !== undefined) packet.interfaceName = record.interfaceName;
  const context: DecodeContext = { depth: 0 };
  if (record.error !== undefined) context.error = record.error;
  try {
    decodeLinkLayer(record.linkType, record.data, packet, context);
  } catch (error) {
    // Anything else is a decoder bug; still better reported per packet than losing the file.
    context.error ??= error instanceof LayerError ? error.message : `decoder failed: ${String(error)}`;
  }
  if (context.error !== undefined) packet.error = context.error;
  return packet;
}
