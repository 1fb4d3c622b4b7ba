// Ethernet II with VLAN tags skipped, so the network layer is found the same
// way whether or not a bridge or switch tagged the frame.
import { formatMac, readUint16 } from './byte-fields.js';
import type { EthernetFrame, VlanTag } from './decoded-packet.js';
import { requireBytes } from './layer-error.js';

/** Tag protocol ids: 802.1Q, 802.1ad (QinQ) and the pre-standard QinQ value. */
const VLAN_TPIDS = new Set([0x8100, 0x88a8, 0x9100]);

/** Decodes the header at `offset`; the network layer starts at `offset + headerLength`. */
export function decodeEthernet(bytes: Uint8Array, offset = 0): EthernetFrame {
  requireBytes(bytes, offset, 14, 'ethernet');
  const vlanTags: VlanTag[] = [];
  let typeOffset = offset + 12;
  let etherType = readUint16(bytes, typeOffset);
  while (VLAN_TPIDS.has(etherType)) {
    requireBytes(bytes, typeOffset + 2, 4, 'vlan', 'tag');
    const tci = readUint16(bytes, typeOffset + 2);
    vlanTags.push({ tpid: etherType, id: tci & 0x0fff, priority: tci >>> 13 });
    typeOffset += 4;
    etherType = readUint16(bytes, typeOffset);
  }
  return {
    kind: 'ethernet',
    destination: formatMac(bytes, offset),
    source: formatMac(bytes, offset + 6),
    etherType,
    vlanTags,
    headerLength: typeOffset + 2 - offset,
  };
}
