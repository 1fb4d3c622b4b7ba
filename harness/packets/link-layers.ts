// Which link-layer header each pcap LINKTYPE carries. Uplinks give Ethernet,
// `tcpdump -i any` gives Linux cooked headers, and tunnel devices such as
// tunl0 give bare IP with no link header at all.
import type { DecodedPacket, LinuxCookedHeader } from './decoded-packet.js';
import { decodeEthernet } from './ethernet.js';
import { LayerError } from './layer-error.js';
import { decodeLinuxSll, decodeLinuxSll2 } from './linux-cooked.js';
import { attachNetworkLayer, decodeNetworkLayer, type DecodeContext } from './protocol-registry.js';

/** The pcap LINKTYPE values this decoder understands. */
export const LinkType = {
  ETHERNET: 1,
  /** DLT_RAW as some platforms number it in files. */
  RAW_LEGACY: 12,
  RAW: 101,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;

interface LinkProtocol {
  name: string;
  decode(bytes: Uint8Array, packet: DecodedPacket, context: DecodeContext): void;
}

const LINK_TYPES = new Map<number, LinkProtocol>([
  [LinkType.ETHERNET, { name: 'Ethernet', decode: decodeEthernetLink }],
  [LinkType.LINUX_SLL, { name: 'Linux SLL', decode: cookedLink(decodeLinuxSll) }],
  [LinkType.LINUX_SLL2, { name: 'Linux SLL2', decode: cookedLink(decodeLinuxSll2) }],
  [LinkType.RAW_LEGACY, { name: 'raw IP', decode: decodeRawIp }],
  [LinkType.RAW, { name: 'raw IP', decode: decodeRawIp }],
  [LinkType.IPV4, { name: 'raw IPv4', decode: bareNetwork(ETHERTYPE_IPV4) }],
  [LinkType.IPV6, { name: 'raw IPv6', decode: bareNetwork(ETHERTYPE_IPV6) }],
]);

/** Name of a link type for messages; undefined when unsupported. */
export function linkTypeName(linkType: number): string | undefined {
  return LINK_TYPES.get(linkType)?.name;
}

/** Decodes the link header and everything above it onto `packet`; throws LayerError for an unreadable link header. */
export function decodeLinkLayer(linkType: number, bytes: Uint8Array, packet: DecodedPacket, context: DecodeContext): void {
  const protocol = LINK_TYPES.get(linkType);
  if (!protocol) throw new LayerError('link', 0, `link type ${linkType} is not supported`);
  protocol.decode(bytes, packet, context);
}

function decodeEthernetLink(bytes: Uint8Array, packet: DecodedPacket, context: DecodeContext): void {
  const ethernet = decodeEthernet(bytes);
  packet.ethernet = ethernet;
  // Ethertype values up to 1500 are 802.3 lengths: the registry reports them as unknown.
  decodeNetwork(ethernet.etherType, bytes, ethernet.headerLength, packet, context);
}

function cookedLink(decodeHeader: (bytes: Uint8Array) => LinuxCookedHeader): LinkProtocol['decode'] {
  return (bytes, packet, context) => {
    const header = decodeHeader(bytes);
    packet.cooked = header;
    decodeNetwork(header.etherType, bytes, header.headerLength, packet, context);
  };
}

function bareNetwork(etherType: number): LinkProtocol['decode'] {
  return (bytes, packet, context) => decodeNetwork(etherType, bytes, 0, packet, context);
}

function decodeRawIp(bytes: Uint8Array, packet: DecodedPacket, context: DecodeContext): void {
  if (bytes.length < 1) throw new LayerError('raw-ip', 0, 'no byte captured');
  const version = (bytes[0] ?? 0) >>> 4;
  const etherType = version === 4 ? ETHERTYPE_IPV4 : version === 6 ? ETHERTYPE_IPV6 : undefined;
  if (etherType === undefined) throw new LayerError('raw-ip', 0, `IP version nibble is ${version}`);
  decodeNetwork(etherType, bytes, 0, packet, context);
}

function decodeNetwork(etherType: number, bytes: Uint8Array, offset: number, packet: DecodedPacket, context: DecodeContext): void {
  const layer = decodeNetworkLayer(etherType, bytes, offset, context);
  if (layer) attachNetworkLayer(packet, layer);
}
