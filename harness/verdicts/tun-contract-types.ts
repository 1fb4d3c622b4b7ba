// The plain-data input and output of the LVS-TUN contract check, kept apart
// from the logic so callers (suites, CLI, reports) depend only on shapes.
import type { DecodedPacket } from '../packets/decoded-packet.js';

/** A machine of the test cluster as the captures see it. */
export interface HostIdentity {
  name: string;
  address: string;
  /** Its IPv6 address, where the segment has an IPv6 side. */
  address6?: string;
  mac: string;
}

/** Whether an address is one of the host's (its IPv4 or its IPv6 one). */
export function isAddressOf(host: HostIdentity | undefined, address: string | undefined): boolean {
  return host !== undefined && address !== undefined && (host.address === address || host.address6 === address);
}

/** One capture file, decoded, with where it was taken. */
export interface CapturePoint {
  host: string;
  role: 'client' | 'director' | 'real-server';
  iface: string;
  file?: string;
  packets: DecodedPacket[];
}

/** Everything the contract is judged on: the service, the cluster and its captures. */
export interface TunContractInput {
  vip: string;
  port: number;
  /** The service's transport; TCP when left out. A UDP flow (one client port) is judged as a TCP connection is. */
  protocol?: 'tcp' | 'udp';
  /** The encapsulation the director must use; IP-in-IP when left out. */
  tunnel?: ExpectedTunnel;
  client: HostIdentity;
  /** Every address the client sends from (its own among them), when it has several. */
  clientAddresses?: string[];
  directors: HostIdentity[];
  realServers: HostIdentity[];
  captures: CapturePoint[];
}

/** A tunnel type the contract's property 2 expects, with GUE's UDP port. */
export interface ExpectedTunnel {
  type: 'ipip' | 'gre' | 'gue';
  port?: number;
}

/** The five properties of LVS tunnel mode, by number (as failure messages cite them). */
export const TUN_PROPERTY_NAMES = {
  1: 'client to director',
  2: 'IP-in-IP to a real server',
  3: 'direct return',
  4: 'director stays out of replies',
  5: 'one real server',
} as const;

/** A property number, 1 to 5. */
export type TunPropertyId = keyof typeof TUN_PROPERTY_NAMES;

/** A packet that decided a verdict, located so a person can find it in the capture. */
export interface VerdictEvidence {
  /** `host:iface`, e.g. `lvs:eth0`. */
  capture: string;
  file?: string;
  packetIndex: number;
  summary: string;
}

/** Whether one property held for one connection, and why. */
export interface PropertyVerdict {
  id: TunPropertyId;
  name: string;
  ok: boolean;
  detail: string;
  evidence: VerdictEvidence[];
}

/** All five verdicts for one connection (client address:port). */
export interface ConnectionVerdict {
  connection: string;
  /** The real server the connection was sent to, when any packet said so. */
  realServer?: string;
  /** False when no capture holds the client's SYN (capture started late): judged on what is there. */
  synCaptured: boolean;
  properties: PropertyVerdict[];
}
