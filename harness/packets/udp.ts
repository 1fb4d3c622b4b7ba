// Minimal UDP, enough to name ports (and, later, to find GUE inside it).
import { readUint16 } from './byte-fields.js';
import type { UdpDatagram } from './decoded-packet.js';
import { requireBytes } from './layer-error.js';

/** Decodes the 8-byte header; `payloadLength` trusts the UDP length field like tcpdump does. */
export function decodeUdp(bytes: Uint8Array, offset: number): UdpDatagram {
  requireBytes(bytes, offset, 8, 'udp');
  const length = readUint16(bytes, offset + 4);
  return {
    kind: 'udp',
    sourcePort: readUint16(bytes, offset),
    destinationPort: readUint16(bytes, offset + 2),
    length,
    checksum: readUint16(bytes, offset + 6),
    payloadLength: Math.max(0, length - 8),
  };
}
