// The pseudo link headers libpcap writes for `tcpdump -i any` (SLL v1 and v2):
// they replace Ethernet, keep only the source address and say which way the
// packet went, which is how a host's own sends are told apart there.
import { formatHexBytes, readUint16, readUint32 } from './byte-fields.js';
import type { LinuxCookedHeader } from './decoded-packet.js';
import { requireBytes } from './layer-error.js';

/** SLL packet type of frames the capturing host sent. */
export const SLL_PACKET_OUTGOING = 4;

/** Decodes a LINKTYPE_LINUX_SLL (113) header. */
export function decodeLinuxSll(bytes: Uint8Array, offset = 0): LinuxCookedHeader {
  requireBytes(bytes, offset, 16, 'sll');
  const addressLength = Math.min(readUint16(bytes, offset + 4), 8);
  return {
    kind: 'sll',
    packetType: readUint16(bytes, offset),
    arphrdType: readUint16(bytes, offset + 2),
    sourceAddress: formatHexBytes(bytes, offset + 6, addressLength),
    etherType: readUint16(bytes, offset + 14),
    headerLength: 16,
  };
}

/** Decodes a LINKTYPE_LINUX_SLL2 (276) header, the default of recent `tcpdump -i any`. */
export function decodeLinuxSll2(bytes: Uint8Array, offset = 0): LinuxCookedHeader {
  requireBytes(bytes, offset, 20, 'sll2');
  const addressLength = Math.min(bytes[offset + 11] ?? 0, 8);
  return {
    kind: 'sll2',
    etherType: readUint16(bytes, offset),
    interfaceIndex: readUint32(bytes, offset + 4),
    arphrdType: readUint16(bytes, offset + 8),
    packetType: bytes[offset + 10] ?? 0,
    sourceAddress: formatHexBytes(bytes, offset + 12, addressLength),
    headerLength: 20,
  };
}
