// GRE (IP protocol 47), as IPVS's GRE tunnel writes it: the base header, the optional checksum,
// key and sequence words, then the payload its protocol type names (IPv4 here).
import { readUint16 } from './byte-fields.js';
import type { GreHeader } from './decoded-packet.js';
import { LayerError, requireBytes } from './layer-error.js';

export const GRE_PROTOCOL_IPV4 = 0x0800;

/** Decodes the header; the payload starts `headerLength` bytes after `offset`. */
export function decodeGreHeader(bytes: Uint8Array, offset: number): GreHeader {
  requireBytes(bytes, offset, 4, 'gre');
  const flags = readUint16(bytes, offset);
  const checksumPresent = (flags & 0x8000) !== 0;
  const keyPresent = (flags & 0x2000) !== 0;
  const sequencePresent = (flags & 0x1000) !== 0;
  const version = flags & 0x7;
  if (version !== 0) throw new LayerError('gre', offset, `version ${version} is not GRE's 0 (PPTP's enhanced GRE is not decoded)`);
  const headerLength = 4 + (checksumPresent ? 4 : 0) + (keyPresent ? 4 : 0) + (sequencePresent ? 4 : 0);
  requireBytes(bytes, offset, headerLength, 'gre');
  return { kind: 'gre', version, checksumPresent, keyPresent, sequencePresent, protocolType: readUint16(bytes, offset + 2), headerLength };
}
