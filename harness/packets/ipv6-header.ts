// The IPv6 header, and the extension headers a capture may hold before the payload (hop-by-hop,
// routing, destination options: skipped by their length; fragment: noted). Addresses in the
// canonical text ip and tcpdump print.
import { readUint16 } from './byte-fields.js';
import type { Ipv6Packet } from './decoded-packet.js';
import { LayerError, requireBytes } from './layer-error.js';
import { formatIpv6 } from '../topology/ipv6.js';

const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const DESTINATION_OPTIONS = 60;
const MAX_EXTENSION_HEADERS = 8;

function addressAt(bytes: Uint8Array, offset: number): string {
  let value = 0n;
  for (let index = 0; index < 16; index += 1) value = (value << 8n) | BigInt(bytes[offset + index]!);
  return formatIpv6(value);
}

/** Decodes the fixed header and walks the extension headers; the payload starts `headerLength` after `offset`. */
export function decodeIpv6Header(bytes: Uint8Array, offset: number): Ipv6Packet {
  requireBytes(bytes, offset, 40, 'ipv6');
  const version = bytes[offset]! >>> 4;
  if (version !== 6) throw new LayerError('ipv6', offset, `version field is ${version}, not 6`);
  const packet: Ipv6Packet = {
    kind: 'ipv6',
    headerLength: 40,
    payloadLength: readUint16(bytes, offset + 4),
    protocol: bytes[offset + 6]!,
    hopLimit: bytes[offset + 7]!,
    flowLabel: ((bytes[offset + 1]! & 0x0f) << 16) | readUint16(bytes, offset + 2),
    source: addressAt(bytes, offset + 8),
    destination: addressAt(bytes, offset + 24),
  };
  for (let count = 0; count < MAX_EXTENSION_HEADERS; count += 1) {
    const at = offset + packet.headerLength;
    if (packet.protocol === FRAGMENT) {
      requireBytes(bytes, at, 8, 'ipv6 fragment header');
      const field = readUint16(bytes, at + 2);
      packet.fragment = { offset: field & 0xfff8, moreFragments: (field & 1) === 1, identification: (readUint16(bytes, at + 4) << 16) | readUint16(bytes, at + 6) };
      packet.protocol = bytes[at]!;
      packet.headerLength += 8;
    } else if (packet.protocol === HOP_BY_HOP || packet.protocol === ROUTING || packet.protocol === DESTINATION_OPTIONS) {
      requireBytes(bytes, at, 8, 'ipv6 extension header');
      packet.protocol = bytes[at]!;
      packet.headerLength += (bytes[at + 1]! + 1) * 8;
    } else {
      return packet;
    }
  }
  throw new LayerError('ipv6', offset, `more than ${MAX_EXTENSION_HEADERS} extension headers`);
}
