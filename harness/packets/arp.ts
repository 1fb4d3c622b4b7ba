// ARP, so captures show who answered for the VIP (a real server that answers
// ARP for the VIP steals the traffic from the director).
import { formatHexBytes, ipv4AddressAt, readUint16 } from './byte-fields.js';
import type { ArpPacket } from './decoded-packet.js';
import { requireBytes } from './layer-error.js';

/** Decodes an ARP packet; non-Ethernet/IPv4 address sizes are kept as hex. */
export function decodeArp(bytes: Uint8Array, offset: number): ArpPacket {
  requireBytes(bytes, offset, 8, 'arp');
  const hardwareLength = bytes[offset + 4] ?? 0;
  const protocolLength = bytes[offset + 5] ?? 0;
  requireBytes(bytes, offset, 8 + 2 * (hardwareLength + protocolLength), 'arp', 'addresses');
  const operation = readUint16(bytes, offset + 6);
  const formatProtocol = (at: number) =>
    protocolLength === 4 ? ipv4AddressAt(bytes, at) : formatHexBytes(bytes, at, protocolLength);
  const senderAt = offset + 8;
  const targetAt = senderAt + hardwareLength + protocolLength;
  return {
    kind: 'arp',
    hardwareType: readUint16(bytes, offset),
    protocolType: readUint16(bytes, offset + 2),
    operation,
    operationName: operation === 1 ? 'request' : operation === 2 ? 'reply' : 'other',
    senderMac: formatHexBytes(bytes, senderAt, hardwareLength),
    senderIp: formatProtocol(senderAt + hardwareLength),
    targetMac: formatHexBytes(bytes, targetAt, hardwareLength),
    targetIp: formatProtocol(targetAt + hardwareLength),
  };
}
