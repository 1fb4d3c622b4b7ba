// Big-endian field reads and address formatting shared by the protocol
// decoders; callers check bounds first (requireBytes), so these stay tiny.

/** Reads a network-order 16-bit field. */
export function readUint16(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
}

/** Reads a network-order 32-bit field as a non-negative number (sequence numbers exceed 2^31). */
export function readUint32(bytes: Uint8Array, offset: number): number {
  return readUint16(bytes, offset) * 0x10000 + readUint16(bytes, offset + 2);
}

/** Formats 6 bytes as lower-case colon-separated MAC, as tcpdump prints it. */
export function formatMac(bytes: Uint8Array, offset: number): string {
  return formatHexBytes(bytes, offset, 6);
}

/** Formats 4 bytes as a dotted quad. */
export function ipv4AddressAt(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset] ?? 0}.${bytes[offset + 1] ?? 0}.${bytes[offset + 2] ?? 0}.${bytes[offset + 3] ?? 0}`;
}

/** Colon-separated hex for link addresses of any length (SLL carries non-MAC ones). */
export function formatHexBytes(bytes: Uint8Array, offset: number, length: number): string {
  const parts: string[] = [];
  for (let i = 0; i < length; i++) parts.push((bytes[offset + i] ?? 0).toString(16).padStart(2, '0'));
  return parts.join(':');
}

/** RFC 1071 one's-complement sum; 0 over a header that includes its checksum means it is valid. */
export function internetChecksum(bytes: Uint8Array, offset = 0, length = bytes.length - offset): number {
  let sum = 0;
  for (let i = 0; i + 1 < length; i += 2) sum += readUint16(bytes, offset + i);
  if (length % 2 === 1) sum += (bytes[offset + length - 1] ?? 0) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
