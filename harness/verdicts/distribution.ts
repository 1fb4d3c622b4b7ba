// Judges who answered a batch of connections against what the service's scheduler promises,
// for every IPVS scheduler, with and without persistence. The connections are made one after
// another (each closed before the next opens), so the kernel's counters at each new connection
// are those read just before the batch plus this batch's own, all inactive by then. Pure.
import type { Scheduler } from '../topology/topology.js';
import {
  KEYED_BY_DESTINATION,
  KEYED_BY_SOURCE,
  pickByCounters,
  roundRobinNext,
  destinationHashPick,
  sourceHashPick,
  wrrInitialState,
  wrrNext,
  type Destination,
  type Pick,
  type WrrState,
} from './scheduler-model.js';
import type { Verdict } from './verdict.js';

export interface JudgedConnection {
  /** The client's source address and port. */
  source: string;
  port?: number;
  /** The real server that answered; undefined when none did. */
  server?: string;
  /** Why there was no answer, or what answered when it was no listed real server. */
  error?: string;
}

export interface DistributionInput {
  scheduler: Scheduler;
  /** Persistence: connections from one client address (masked by the netmask) stick to one real server. */
  persistence?: { netmask: string };
  vip: string;
  /** The director's real servers in the kernel's list order, with its counters just before the batch. */
  destinations: Destination[];
  /** Persistence templates already in the director's table: masked client address -> real server. */
  templates?: ReadonlyMap<string, string>;
  connections: JudgedConnection[];
  /** Who the director is, for messages. */
  director?: string;
  /** The order real servers are named in tallies (the topology's); default the kernel's. */
  displayOrder?: readonly string[];
}

export interface Distribution {
  scheduler: Scheduler;
  persistent: boolean;
  /** Connections per real server, as the scheduler's rule gives them; undefined where the rule leaves the choice to a hash the harness cannot read. */
  expected?: Record<string, number>;
  seen: Record<string, number>;
  failed: number;
  /** Distinct keys (client addresses or networks) the connections came from. */
  keys: number;
}

export type DistributionVerdict = Verdict & { distribution: Distribution };

/** The property's name: `round-robin` for plain rr (the walkthrough's word), the scheduler's otherwise. */
export function distributionProperty(scheduler: Scheduler, persistent: boolean): string {
  return scheduler === 'rr' && !persistent ? 'round-robin' : `distribution (${scheduler}${persistent ? ', persistent' : ''})`;
}

/** Masks an IPv4 address with a dotted netmask. */
export function maskAddress(address: string, netmask: string): string {
  const octets = address.split('.').map(Number);
  const mask = netmask.split('.').map(Number);
  return octets.map((octet, index) => octet & (mask[index] ?? 255)).join('.');
}

/** A scheduler's own state across connections: rr and wrr keep a position the harness cannot read, so every possible one is followed. */
class SchedulerState {
  private rrCandidates: number[];
  private wrrCandidates: WrrState[];
  private readonly keyed = new Map<string, string>();

  constructor(private readonly input: DistributionInput, private readonly destinations: Destination[]) {
    this.rrCandidates = [-1, ...destinations.keys()];
    this.wrrCandidates = reachableWrrStates(destinations);
  }

  /** The pick for a new connection (or a new persistence template). */
  pick(connection: JudgedConnection): Pick {
    const { scheduler } = this.input;
    const byCounters = pickByCounters(scheduler, this.destinations);
    if (byCounters) return byCounters;
    if (scheduler === 'sh') return sourceHashPick(this.destinations, connection.source);
    if (scheduler === 'dh') return destinationHashPick(this.destinations, this.input.vip);
    if (scheduler === 'rr') return this.positional((last) => roundRobinNext(this.destinations, last)?.index, this.rrCandidates);
    if (scheduler === 'wrr') {
      const servers = [...new Set(this.wrrCandidates.flatMap((state) => this.serverAt(wrrNext(this.destinations, state)?.index)))];
      return pickAmong(servers, 'wrr');
    }
    const key = KEYED_BY_SOURCE.includes(scheduler) ? connection.source : this.input.vip;
    const known = this.keyed.get(key);
    if (known) return { kind: 'one', server: known, why: `${scheduler} keeps ${key} on ${known}` };
    const positive = this.destinations.filter((destination) => destination.weight > 0).map((destination) => destination.server);
    return positive.length > 0 ? { kind: 'any-of', servers: positive, why: `${scheduler} hashes ${key} to a real server of positive weight` } : { kind: 'none', why: 'no real server with a positive weight' };
  }

  /** After the choice is seen: narrows the positions that could have given it, and remembers keys. */
  chosen(connection: JudgedConnection, server: string): void {
    const { scheduler } = this.input;
    if (scheduler === 'rr') {
      this.rrCandidates = this.rrCandidates.flatMap((last) => {
        const next = roundRobinNext(this.destinations, last)?.index;
        return next !== undefined && this.destinations[next]!.server === server ? [next] : [];
      });
    } else if (scheduler === 'wrr') {
      this.wrrCandidates = this.wrrCandidates.flatMap((state) => {
        const next = wrrNext(this.destinations, state);
        return next && this.destinations[next.index]!.server === server ? [next.state] : [];
      });
    } else if (KEYED_BY_SOURCE.includes(scheduler) || KEYED_BY_DESTINATION.includes(scheduler)) {
      this.keyed.set(KEYED_BY_SOURCE.includes(scheduler) ? connection.source : this.input.vip, server);
    }
  }

  /** A connection nobody answered: it was scheduled all the same, to the pick (or, when that was open, to one of its servers). */
  unanswered(connection: JudgedConnection, pick: Pick): void {
    const { scheduler } = this.input;
    if (pick.kind === 'one') return this.chosen(connection, pick.server);
    if (pick.kind !== 'any-of') return;
    if (scheduler === 'rr') {
      this.rrCandidates = [...new Set(this.rrCandidates.flatMap((last) => roundRobinNext(this.destinations, last)?.index ?? []))];
    } else if (scheduler === 'wrr') {
      this.wrrCandidates = this.wrrCandidates.flatMap((state) => wrrNext(this.destinations, state)?.state ?? []);
    }
  }

  /** The connection ran and closed: one more inactive entry on its real server (an unanswered one stays active). */
  counted(server: string, as: 'active' | 'inactive' = 'inactive'): void {
    const destination = this.destinations.find((candidate) => candidate.server === server);
    if (destination) destination[as] += 1;
  }

  private positional(next: (last: number) => number | undefined, candidates: number[]): Pick {
    const servers = [...new Set(candidates.flatMap((last) => this.serverAt(next(last))))];
    return pickAmong(servers, 'rr');
  }

  private serverAt(index: number | undefined): string[] {
    return index === undefined ? [] : [this.destinations[index]!.server];
  }
}

function pickAmong(servers: string[], scheduler: string): Pick {
  if (servers.length === 0) return { kind: 'none', why: 'no real server with a positive weight' };
  if (servers.length === 1) return { kind: 'one', server: servers[0]!, why: `${scheduler}'s turn` };
  return { kind: 'any-of', servers, why: `${scheduler}'s position before the batch is not known: any of its next turns` };
}

/**
 * Every state wrr can be in before the batch: any position with any current weight (a service
 * built by adding real servers one by one, or changed since, starts off its steady cycle), or,
 * where that is too many to follow, the reset state and those of one full cycle.
 */
function reachableWrrStates(destinations: readonly Destination[]): WrrState[] {
  const initial = wrrInitialState(destinations);
  if ((destinations.length + 1) * initial.currentWeight <= 20_000) {
    const states: WrrState[] = [];
    for (let last = -1; last < destinations.length; last += 1) {
      for (let currentWeight = 1; currentWeight <= initial.currentWeight; currentWeight += 1) states.push({ last, currentWeight });
    }
    return states;
  }
  const states: WrrState[] = [];
  const seen = new Set<string>();
  let state: WrrState | undefined = initial;
  while (state && !seen.has(`${state.last}/${state.currentWeight}`)) {
    seen.add(`${state.last}/${state.currentWeight}`);
    states.push(state);
    state = wrrNext(destinations, state)?.state;
  }
  return states;
}

/** What the walk shows a visitor for each connection: the key it is scheduled by, a template it met, and the rule's pick. */
interface Step {
  connection: JudgedConnection;
  index: number;
  key: string;
  template?: string;
  pick: Pick;
}

/**
 * Follows the scheduler over the connections in order: each one is scheduled (or kept by its
 * persistence template) and goes where `goesTo` says, undefined for nobody answering. The
 * judgement and the rule's own run are both this walk, with different answers to where.
 */
function followScheduler(input: DistributionInput, goesTo: (step: Step) => string | undefined): void {
  const state = new SchedulerState(input, input.destinations.map((destination) => ({ ...destination })));
  const templates = new Map(input.templates ?? []);
  input.connections.forEach((connection, index) => {
    const key = input.persistence ? maskAddress(connection.source, input.persistence.netmask) : connection.source;
    const template = input.persistence ? templates.get(key) : undefined;
    const pick: Pick = template ? { kind: 'one', server: template, why: `persistence keeps ${key} on ${template}` } : state.pick(connection);
    const server = goesTo({ connection, index, key, ...(template ? { template } : {}), pick });
    if (server === undefined) {
      // The director still gave the connection to someone: the promised one, which did not
      // answer; its entry stays in SYN_RECV, an active state, until it expires.
      if (!template && pick.kind !== 'none') state.unanswered(connection, pick);
      if (pick.kind === 'one') state.counted(pick.server, 'active');
      return;
    }
    if (!template) {
      state.chosen(connection, server);
      if (input.persistence) templates.set(key, server);
    }
    state.counted(server);
  });
}

/** Judges the batch; never throws for what the cluster did. */
export function judgeDistribution(input: DistributionInput): DistributionVerdict {
  const persistent = input.persistence !== undefined;
  const property = distributionProperty(input.scheduler, persistent);
  const { destinations } = input;
  const named = [...(input.displayOrder ?? []).filter((server) => destinations.some((destination) => destination.server === server)), ...destinations.map((destination) => destination.server).filter((server) => !(input.displayOrder ?? []).includes(server))];
  const seen: Record<string, number> = Object.fromEntries(named.map((server) => [server, 0]));
  const computed = expectedDistribution(input);
  const expected: Record<string, number> = Object.fromEntries(named.map((server) => [server, computed.expected[server] ?? 0]));
  const { exact } = computed;
  const keys = new Set<string>();
  const violations: string[] = [];
  const lines: string[] = [];

  followScheduler(input, ({ connection, index, key, pick }) => {
    const label = `${index + 1}. ${connection.source}${connection.port ? `:${connection.port}` : ''}`;
    keys.add(key);
    const promised = pick.kind === 'one' ? pick.server : pick.kind === 'any-of' ? `one of ${pick.servers.join(', ')}` : 'no real server (the connection fails)';
    const answered = connection.server;
    lines.push(`  ${label} -> ${answered ?? `no answer (${connection.error ?? 'unknown'})`}; promised ${promised}`);
    if (answered === undefined) {
      // Even where the rule gives no real server (all overflowing, a weight-0 bucket), the client got no service.
      violations.push(
        pick.kind === 'none'
          ? `connection ${label} got no answer (${connection.error ?? 'unknown'}); ${input.scheduler} had no real server to give it: ${pick.why}`
          : `connection ${label} got no answer (${connection.error ?? 'unknown'}); ${input.scheduler} promised ${promised}: ${pick.why}`,
      );
      return undefined;
    }
    seen[answered] = (seen[answered] ?? 0) + 1;
    const allowed = pick.kind === 'one' ? [pick.server] : pick.kind === 'any-of' ? pick.servers : [];
    if (!allowed.includes(answered)) {
      violations.push(`connection ${label} was answered by ${answered}; ${input.scheduler} promised ${promised}: ${pick.why}`);
    }
    return answered;
  });

  const failed = input.connections.filter((connection) => connection.server === undefined).length;
  const distribution: Distribution = { scheduler: input.scheduler, persistent, expected: exact ? expected : undefined, seen, failed, keys: keys.size };
  const seenText = tally(seen);
  const expectedText = exact ? tally(expected) : describeLooseRule(input);
  const order = `kernel order ${destinations.map((destination) => `${destination.server}(w${destination.weight})`).join(', ')}${input.director ? ` on ${input.director}` : ''}`;
  if (input.connections.length === 0) return { property, ok: false, message: 'no connections were made', distribution };
  if (violations.length > 0) {
    const shown = violations.slice(0, 5).join('\n  ');
    const more = violations.length > 5 ? `\n  ... and ${violations.length - 5} more` : '';
    return {
      property,
      ok: false,
      message: `${violations.length} of ${input.connections.length} connections broke ${input.scheduler}'s promise (${order}); expected ${expectedText}; seen ${seenText}${failed ? `, ${failed} unanswered` : ''}\n  ${shown}${more}\n${lines.join('\n')}`,
      distribution,
    };
  }
  const coverage = uncoveredServers(input, seen);
  if (coverage) return { property, ok: false, message: `${coverage} (${order}); seen ${seenText}\n${lines.join('\n')}`, distribution };
  const opening = input.scheduler === 'rr' && !persistent ? `${input.connections.length} connections, answers took turns: ${seenText}` : `${input.connections.length} connections over ${keys.size} ${persistent ? 'client networks' : 'client addresses'}, as ${input.scheduler} promises: ${seenText}`;
  return { property, ok: true, message: `${opening} (${order})`, distribution };
}

/**
 * The rule's own run over the same connections, each going where the rule sends it (where the
 * rule leaves a choice open, rr's and wrr's unknown position, the first answer settles it).
 * Not exact for mh, lblc and lblcr: their choice depends on what the harness does not read.
 */
function expectedDistribution(input: DistributionInput): { expected: Record<string, number>; exact: boolean } {
  const expected: Record<string, number> = Object.fromEntries(input.destinations.map((destination) => [destination.server, 0]));
  followScheduler(input, ({ connection, pick }) => {
    const server = pick.kind === 'one' ? pick.server : pick.kind === 'any-of' ? (connection.server && pick.servers.includes(connection.server) ? connection.server : pick.servers[0]!) : undefined;
    if (server !== undefined) expected[server] = (expected[server] ?? 0) + 1;
    return server;
  });
  return { expected, exact: !['mh', 'lblc', 'lblcr'].includes(input.scheduler) };
}

function tally(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([server, count]) => `${server} ${count}`)
    .join(', ');
}

function describeLooseRule(input: DistributionInput): string {
  if (KEYED_BY_SOURCE.includes(input.scheduler)) return 'each client address kept on one real server of positive weight';
  if (KEYED_BY_DESTINATION.includes(input.scheduler)) return `every connection to ${input.vip} on one real server of positive weight`;
  return `${input.scheduler}'s turns from an unknown position`;
}

/**
 * Over enough keys, a hashing scheduler gives every real server of positive weight some: mh by
 * source address. Judged only where missing one by chance is below one in a million.
 */
function uncoveredServers(input: DistributionInput, seen: Record<string, number>): string | undefined {
  if (input.scheduler !== 'mh' || input.persistence) return undefined;
  const keys = new Set(input.connections.map((connection) => connection.source)).size;
  const positive = input.destinations.filter((destination) => destination.weight > 0);
  if (chanceOfMissingOne(positive.map((destination) => destination.weight), keys) > 1e-6) return undefined;
  const missed = positive.filter((destination) => (seen[destination.server] ?? 0) === 0).map((destination) => destination.server);
  return missed.length > 0 ? `mh gave ${missed.join(', ')} none of ${keys} client addresses (by chance less than once in a million)` : undefined;
}

/** At most the chance that `keys` keys hashed in proportion to the weights leave some real server of positive weight without one. */
function chanceOfMissingOne(weights: readonly number[], keys: number): number {
  const positive = weights.filter((weight) => weight > 0);
  const total = positive.reduce((sum, weight) => sum + weight, 0);
  return positive.reduce((sum, weight) => sum + (1 - weight / total) ** keys, 0);
}

/** Client addresses mh needs so that every real server of positive weight gets one, but for a one-in-a-million chance. */
export function keysForCoverage(weights: readonly number[]): number {
  for (let keys = 1; keys <= 4096; keys += 1) if (chanceOfMissingOne(weights, keys) <= 1e-6) return keys;
  return 4096;
}
