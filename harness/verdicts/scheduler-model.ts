// What each IPVS scheduler chooses for a new connection, as the kernel's own code does it
// (net/netfilter/ipvs/ip_vs_*.c, 6.1), so that a check can say which real server each of its
// connections had to go to. Pure. The destinations are in the kernel's list order (a real
// server added later comes first: ip_vs_ctl.c puts it at the head), read with
// `ipvsadm -Ln --nosort`; their counters are the kernel's active and inactive connections.
import type { Scheduler } from '../topology/topology.js';

export interface Destination {
  /** The real server's host name. */
  server: string;
  address: string;
  weight: number;
  /** Connections in ESTABLISHED (the kernel's activeconns). */
  active: number;
  /** Every other connection entry: SYN_RECV, FIN_WAIT, TIME_WAIT... (inactconns). */
  inactive: number;
}

/** A scheduler's pick: one server, any of a set (the choice depends on what cannot be read), or none. */
export type Pick = { kind: 'one'; server: string; why: string } | { kind: 'any-of'; servers: string[]; why: string } | { kind: 'none'; why: string };

/** The kernel's estimate of a real server's load (ip_vs_dest_conn_overhead): an active connection weighs 256 inactive ones. */
export function connectionOverhead(destination: Destination): number {
  return destination.active * 256 + destination.inactive;
}

const available = (destinations: readonly Destination[]) => destinations.filter((destination) => destination.weight > 0);

/** lc: the fewest connections by overhead, the first in list order on a tie; weight 0 is never chosen. */
function leastConnection(destinations: readonly Destination[]): Pick {
  let least: Destination | undefined;
  for (const destination of available(destinations)) if (!least || connectionOverhead(destination) < connectionOverhead(least)) least = destination;
  return least ? { kind: 'one', server: least.server, why: `fewest connections (overhead ${connectionOverhead(least)})` } : noneAvailable();
}

/** wlc, sed and nq's fallback: the least overhead per unit of weight, compared by cross-multiplying as the kernel does. */
function leastWeighted(destinations: readonly Destination[], overhead: (destination: Destination) => number, rule: string): Pick {
  let least: Destination | undefined;
  for (const destination of available(destinations)) {
    if (!least || overhead(least) * destination.weight > overhead(destination) * least.weight) least = destination;
  }
  return least ? { kind: 'one', server: least.server, why: `${rule} (${overhead(least)}/${least.weight})` } : noneAvailable();
}

/** fo and ovf: the highest weight, the first in list order on a tie; ovf skips one whose active connections exceed its weight. */
function highestWeight(destinations: readonly Destination[], skipOverflowing: boolean): Pick {
  let highest: Destination | undefined;
  for (const destination of available(destinations)) {
    if (skipOverflowing && destination.active > destination.weight) continue;
    if (!highest || destination.weight > highest.weight) highest = destination;
  }
  if (highest) return { kind: 'one', server: highest.server, why: `highest weight (${highest.weight})${skipOverflowing ? ' not past its active-connection limit' : ''}` };
  return skipOverflowing && available(destinations).length > 0 ? { kind: 'none', why: 'every real server has more active connections than its weight' } : noneAvailable();
}

function noneAvailable(): Pick {
  return { kind: 'none', why: 'no real server with a positive weight' };
}

/** The schedulers whose choice follows from the counters alone. */
export function pickByCounters(scheduler: Scheduler, destinations: readonly Destination[]): Pick | undefined {
  switch (scheduler) {
    case 'lc':
      return leastConnection(destinations);
    case 'wlc':
      return leastWeighted(destinations, connectionOverhead, 'least connections per weight');
    case 'sed':
      return leastWeighted(destinations, (destination) => destination.active + 1, 'shortest expected delay, (active+1)/weight');
    case 'nq': {
      // Never queue: the first idle real server in list order, before any weighing.
      const idle = available(destinations).find((destination) => destination.active === 0);
      if (idle) return { kind: 'one', server: idle.server, why: 'the first idle real server (no active connection)' };
      return leastWeighted(destinations, (destination) => destination.active + 1, 'shortest expected delay, (active+1)/weight');
    }
    case 'fo':
      return highestWeight(destinations, false);
    case 'ovf':
      return highestWeight(destinations, true);
    default:
      return undefined;
  }
}

/**
 * rr's position: the index of the last real server chosen, or -1 at the list head (a new
 * service). The next is the first after it, in a circle, with a positive weight.
 */
export function roundRobinNext(destinations: readonly Destination[], last: number): { index: number } | undefined {
  const count = destinations.length;
  for (let step = 1; step <= count; step += 1) {
    const index = (((last + step) % count) + count) % count;
    if (destinations[index]!.weight > 0) return { index };
  }
  return undefined;
}

/** wrr's state (ip_vs_wrr_mark): the last chosen index (-1: the head) and the current weight. */
export interface WrrState {
  last: number;
  currentWeight: number;
}

/** The greatest common divisor: wrr's step between current weights. */
export function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** What ip_vs_wrr_init_svc and ip_vs_wrr_dest_changed set: the head, cw = mw = max weight - (gcd - 1). */
export function wrrInitialState(destinations: readonly Destination[]): WrrState {
  return { last: -1, currentWeight: wrrMaxWeight(destinations) };
}

function wrrMaxWeight(destinations: readonly Destination[]): number {
  const weights = available(destinations).map((destination) => destination.weight);
  if (weights.length === 0) return 0;
  const divisor = weights.reduce(gcd);
  return Math.max(...weights) - (divisor - 1);
}

/** ip_vs_wrr_schedule: from the last chosen, the next with weight >= cw; past the list's end cw drops by the gcd, and past 0 starts again at mw. */
export function wrrNext(destinations: readonly Destination[], state: WrrState): { index: number; state: WrrState } | undefined {
  const weights = available(destinations).map((destination) => destination.weight);
  if (weights.length === 0) return undefined;
  const divisor = weights.reduce(gcd);
  const maxWeight = wrrMaxWeight(destinations);
  let { last, currentWeight } = state;
  // Bounded: every full pass lowers cw, and cw = gcd finds every positive weight.
  for (let passes = 0; passes <= 2 * (maxWeight / divisor + 1); passes += 1) {
    for (let index = last + 1; index < destinations.length; index += 1) {
      if (destinations[index]!.weight >= currentWeight && destinations[index]!.weight > 0) return { index, state: { last: index, currentWeight } };
    }
    last = -1;
    currentWeight -= divisor;
    if (currentWeight <= 0) currentWeight = maxWeight;
  }
  return undefined;
}

/** hash_32 of include/linux/hash.h: the golden-ratio multiply, top bits kept. */
export function hash32(value: number, bits: number): number {
  return Number((BigInt.asUintN(32, BigInt(value >>> 0) * 0x61c88647n) >> BigInt(32 - bits)) & ((1n << BigInt(bits)) - 1n));
}

const SH_TABLE_BITS = 8;
const SH_TABLE_SIZE = 1 << SH_TABLE_BITS;

/** ip_vs_sh_reassign: 256 buckets dealt in list order, each real server taking as many in a row as its weight (a weight-0 one takes one). */
export function sourceHashTable(destinations: readonly Destination[]): string[] {
  const buckets: string[] = [];
  if (destinations.length === 0) return buckets;
  let index = 0;
  let dealt = 0;
  for (let bucket = 0; bucket < SH_TABLE_SIZE; bucket += 1) {
    const destination = destinations[index % destinations.length]!;
    buckets.push(destination.server);
    dealt += 1;
    if (dealt >= destination.weight) {
      index += 1;
      dealt = 0;
    }
  }
  return buckets;
}

/** ip_vs_sh_hashkey for IPv4 without the sh-port flag (and dh's key): hash_32(address, 8). */
export function sourceHashBucket(address: string): number {
  const value = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  return hash32(value, SH_TABLE_BITS);
}

/** sh's pick for a client address; a bucket whose real server has weight 0 gives no real server at all. */
export function sourceHashPick(destinations: readonly Destination[], clientAddress: string): Pick {
  const table = sourceHashTable(destinations);
  const bucket = sourceHashBucket(clientAddress);
  const server = table[bucket];
  const destination = destinations.find((candidate) => candidate.server === server);
  if (!destination) return noneAvailable();
  if (destination.weight <= 0) return { kind: 'none', why: `${clientAddress} hashes to bucket ${bucket}, which belongs to ${server}, of weight 0` };
  return { kind: 'one', server: destination.server, why: `${clientAddress} hashes to bucket ${bucket} of ${server}` };
}

/** dh: ip_vs_dh_reassign deals the 256 buckets one real server each in list order, weights aside; the key is the VIP. */
export function destinationHashPick(destinations: readonly Destination[], vip: string): Pick {
  if (destinations.length === 0) return noneAvailable();
  const bucket = sourceHashBucket(vip);
  const destination = destinations[bucket % destinations.length]!;
  if (destination.weight <= 0) return { kind: 'none', why: `${vip} hashes to bucket ${bucket}, which belongs to ${destination.server}, of weight 0` };
  return { kind: 'one', server: destination.server, why: `dh hashes ${vip} to bucket ${bucket} of ${destination.server}` };
}

/** The schedulers that keep a key (the source, or the destination: the VIP) on one real server. */
export const KEYED_BY_SOURCE: readonly Scheduler[] = ['sh', 'mh'];
export const KEYED_BY_DESTINATION: readonly Scheduler[] = ['dh', 'lblc', 'lblcr'];
