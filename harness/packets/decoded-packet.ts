// The plain-data shape every decoder produces, so tests and verdicts can read
// captures without knowing how pcap or any protocol is laid out on the wire.

/** One captured frame after decoding; layers that could not be decoded are absent and `error` says why. */
export interface DecodedPacket {
  /** Position in the capture file, from 0, so failure messages can point at a packet. */
  index: number;
  /** Microseconds since the epoch; exact for microsecond files, truncated for finer ones. */
  timestampMicros: number;
  /** Nanoseconds since the epoch, exact for every resolution pcapng offers down to 1 ns. */
  timestampNanos: bigint;
  /** pcap LINKTYPE_* value of the interface the frame was captured on. */
  linkType: number;
  capturedLength: number;
  originalLength: number;
  /** pcapng if_name, when the file recorded it (a `tcpdump -i any` capture has several). */
  interfaceName?: string;
  ethernet?: EthernetFrame;
  /** Linux "cooked" header (tcpdump -i any) in place of Ethernet. */
  cooked?: LinuxCookedHeader;
  arp?: ArpPacket;
  ipv4?: Ipv4Packet;
  ipv6?: Ipv6Packet;
  /** The network layer when no decoder knows its ethertype. */
  unknown?: UnknownLayer;
  /** First problem met while decoding: the layer, its offset in the frame and what was wrong. */
  error?: string;
}

/** One 802.1Q/802.1ad tag, kept so frames on a VLAN still say which one. */
export interface VlanTag {
  tpid: number;
  id: number;
  priority: number;
}

/** An Ethernet II header; `etherType` is the one after any VLAN tags. */
export interface EthernetFrame {
  kind: 'ethernet';
  source: string;
  destination: string;
  etherType: number;
  vlanTags: VlanTag[];
  headerLength: number;
}

/** SLL (linktype 113) or SLL2 (276) header written by `tcpdump -i any`. */
export interface LinuxCookedHeader {
  kind: 'sll' | 'sll2';
  /** 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us. */
  packetType: number;
  arphrdType: number;
  /** Link-layer source address: a MAC when 6 bytes long, hex otherwise. */
  sourceAddress: string;
  etherType: number;
  /** Only SLL2 records the interface index. */
  interfaceIndex?: number;
  headerLength: number;
}

/** An ARP request or reply; addresses are formatted as MAC/dotted quad when their lengths allow. */
export interface ArpPacket {
  kind: 'arp';
  hardwareType: number;
  protocolType: number;
  operation: number;
  operationName: 'request' | 'reply' | 'other';
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
}

/** An IPv4 header plus whichever payload layer was decoded from it. */
export interface Ipv4Packet {
  kind: 'ipv4';
  headerLength: number;
  totalLength: number;
  identification: number;
  ttl: number;
  protocol: number;
  headerChecksum: number;
  /** Undefined when the header was not captured whole. */
  headerChecksumValid?: boolean;
  source: string;
  destination: string;
  dontFragment: boolean;
  moreFragments: boolean;
  /** In bytes (the field times 8). */
  fragmentOffset: number;
  /** An encapsulated packet: IP-in-IP (protocol 4, or 41 for IPv6 inside IPv4), inside GRE (47), or inside GUE (UDP). */
  inner?: IpPacket;
  /** How `inner` was carried, when there is one. */
  encapsulation?: 'ipip' | 'gre' | 'gue';
  /** The GRE header, for protocol 47. */
  gre?: GreHeader;
  tcp?: TcpSegment;
  udp?: UdpDatagram;
  /** The payload when no decoder knows its protocol (or it is a later fragment). */
  unknown?: UnknownLayer;
}

/** An IPv6 header (and its extension headers, skipped) plus whichever payload was decoded. */
export interface Ipv6Packet {
  kind: 'ipv6';
  /** 40, plus the extension headers before the payload. */
  headerLength: number;
  payloadLength: number;
  /** The protocol of the payload, after any extension headers. */
  protocol: number;
  hopLimit: number;
  flowLabel: number;
  source: string;
  destination: string;
  /** Set when a fragment header was met: its payload is decoded only in the first fragment. */
  fragment?: { offset: number; moreFragments: boolean; identification: number };
  /** IPv6-in-IPv6 (41) or IPv4 inside IPv6 (4): the encapsulated packet. */
  inner?: IpPacket;
  encapsulation?: 'ipip';
  tcp?: TcpSegment;
  udp?: UdpDatagram;
  unknown?: UnknownLayer;
}

/** Either IP version: what the verdicts read (addresses, the transport, what is carried inside). */
export type IpPacket = Ipv4Packet | Ipv6Packet;

/** TCP flags as booleans, in the order tcpdump prints them. */
export interface TcpFlags {
  fin: boolean;
  syn: boolean;
  rst: boolean;
  psh: boolean;
  ack: boolean;
  urg: boolean;
  ece: boolean;
  cwr: boolean;
}

/** A TCP header; `payloadLength` comes from the IP lengths, so snaplen cannot shrink it. */
export interface TcpSegment {
  kind: 'tcp';
  sourcePort: number;
  destinationPort: number;
  sequence: number;
  acknowledgment: number;
  headerLength: number;
  flags: TcpFlags;
  /** tcpdump's notation between the brackets of `Flags [S.]`. */
  flagsText: string;
  window: number;
  checksum: number;
  urgentPointer: number;
  payloadLength: number;
  capturedPayloadLength: number;
}

/** A UDP header, decoded minimally. */
export interface UdpDatagram {
  kind: 'udp';
  sourcePort: number;
  destinationPort: number;
  length: number;
  checksum: number;
  payloadLength: number;
  /** The GUE header, when the payload is GUE carrying an IPv4 packet (the packet's `inner`). */
  gue?: GueHeader;
}

/** A GRE header (RFC 2784/2890): which optional fields it has, and what it carries. */
export interface GreHeader {
  kind: 'gre';
  version: number;
  checksumPresent: boolean;
  keyPresent: boolean;
  sequencePresent: boolean;
  /** The ethertype of the payload: 0x0800 for IPv4. */
  protocolType: number;
  headerLength: number;
}

/** A GUE header, version 0 (draft-ietf-intarea-gue): what the Linux fou module and IPVS write. */
export interface GueHeader {
  kind: 'gue';
  version: number;
  /** The IP protocol of the payload: 4 for IPv4. */
  protocol: number;
  headerLength: number;
  flags: number;
}

/** A layer nobody decodes yet: says what it was and where, instead of failing. */
export interface UnknownLayer {
  kind: 'unknown';
  /** E.g. `ethertype 0x86dd` or `ip protocol 47`. */
  protocol: string;
  offset: number;
  capturedLength: number;
}
