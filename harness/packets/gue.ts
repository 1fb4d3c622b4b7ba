// GUE (generic UDP encapsulation, version 0), found inside UDP by what it holds rather than by
// port, as Wireshark's heuristic dissectors do: the harness decodes captures without knowing
// which port a tunnel uses. A payload counts as GUE carrying IPv4 only when every field agrees:
// version 0, a data message, protocol 4, and an IPv4 header right after it whose checksum holds
// and whose length fills the datagram exactly. Anything else stays plain UDP.
import type { GueHeader } from './decoded-packet.js';
import { decodeIpv4Header } from './ipv4-header.js';

const IPPROTO_IPIP = 4;

/** The GUE header at `offset` (a UDP payload of `payloadLength` bytes), or undefined when it is not GUE carrying IPv4. */
export function recognizeGue(bytes: Uint8Array, offset: number, payloadLength: number): GueHeader | undefined {
  if (payloadLength < 4 + 20 || bytes.length < offset + 4 + 20) return undefined;
  const first = bytes[offset]!;
  const version = first >> 6;
  const control = (first >> 5) & 1;
  const optionWords = first & 0x1f;
  const protocol = bytes[offset + 1]!;
  if (version !== 0 || control !== 0 || protocol !== IPPROTO_IPIP) return undefined;
  const headerLength = 4 + optionWords * 4;
  const innerOffset = offset + headerLength;
  if (bytes.length < innerOffset + 20 || bytes[innerOffset]! >> 4 !== 4) return undefined;
  let inner;
  try {
    inner = decodeIpv4Header(bytes, innerOffset);
  } catch {
    return undefined;
  }
  if (inner.headerChecksumValid !== true || inner.totalLength !== payloadLength - headerLength) return undefined;
  return { kind: 'gue', version, protocol, headerLength, flags: (bytes[offset + 2]! << 8) | bytes[offset + 3]! };
}
