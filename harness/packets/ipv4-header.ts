// The IPv4 header alone; payload dispatch lives in protocol-registry.ts so
// IP-in-IP can recurse without this file knowing any upper protocol.
import { ipv4AddressAt, internetChecksum, readUint16 } from './byte-fields.js';
import type { Ipv4Packet } from './decoded-packet.js';
import { LayerError, requireBytes } from './layer-error.js';

/** Decodes the header at `offset`; throws LayerError when it is not IPv4 or not captured whole. */
export function decodeIpv4Header(bytes: Uint8Array, offset: number): Ipv4Packet {
  requireBytes(bytes, offset, 20, 'ipv4');
  const versionAndLength = bytes[offset] ?? 0;
  const version = versionAndLength >>> 4;
  if (version !== 4) throw new LayerError('ipv4', offset, `version field is ${version}, not 4`);
  const headerLength = (versionAndLength & 0x0f) * 4;
  if (headerLength < 20) throw new LayerError('ipv4', offset, `header length ${headerLength} is below the minimum 20`);
  requireBytes(bytes, offset, headerLength, 'ipv4', 'header with options');
  const flagsAndOffset = readUint16(bytes, offset + 6);
  return {
    kind: 'ipv4',
    headerLength,
    totalLength: readUint16(bytes, offset + 2),
    identification: readUint16(bytes, offset + 4),
    ttl: bytes[offset + 8] ?? 0,
    protocol: bytes[offset + 9] ?? 0,
    headerChecksum: readUint16(bytes, offset + 10),
    headerChecksumValid: internetChecksum(bytes, offset, headerLength) === 0,
    source: ipv4AddressAt(bytes, offset + 12),
    destination: ipv4AddressAt(bytes, offset + 16),
    dontFragment: (flagsAndOffset & 0x4000) !== 0,
    moreFragments: (flagsAndOffset & 0x2000) !== 0,
    fragmentOffset: (flagsAndOffset & 0x1fff) * 8,
  };
}
