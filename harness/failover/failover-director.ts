// Judges a VIP handover between directors (VRRP under keepalived) from what was observed: the
// VIP left one director and arrived on the expected one, the client's ARP cache followed it
// (gratuitous ARP), and the client's new connections went through the new holder and were all
// answered. The same judgement serves the failover (master down, backup takes over) and the
// return (master back, it takes the VIP back). Pure.
import type { HttpOutcome } from '../traffic/http-outcome.js';
import type { Topology } from '../topology/topology.js';
import { hostNamed, hostsWithRole } from '../topology/topology.js';
import type { TimedOutcome } from './failover-real-server.js';
import type { Verdict } from '../verdicts/verdict.js';

export interface VipHandoverObservation {
  kind: 'failover' | 'return';
  /** The director that held the VIP before. */
  from: string;
  /** The director expected to hold it after; undefined when there is none (a lone director). */
  to?: string;
  /** What was done, for messages: "lvs1's keepalived was killed (SIGKILL)". */
  action: string;
  holdersBefore: string[];
  holdersAfter: string[];
  /** When `to` was first seen holding the VIP, ms after the action; undefined if never. */
  vipMovedMs?: number;
  /** When `to`'s keepalived logged entering MASTER state, ms after the action. */
  masterLoggedMs?: number;
  /** The MAC the client's ARP cache held for the VIP after the wait. */
  clientMac?: string;
  /** Requests made from the action until the handover was complete (or the wait gave up). */
  requests: TimedOutcome[];
  waitedMs: number;
  /** New connections made after the handover. */
  after: HttpOutcome[];
  /** How many of `after` each director's IPVS took (new entries of its connection table). */
  connectionsThrough: Record<string, number>;
}

/** The handover's numbers, for results and benchmarks; measured, never asserted. */
export function vipHandoverTimings(observation: VipHandoverObservation) {
  const { requests } = observation;
  const failed = requests.filter((request) => !request.outcome.ok);
  const lastFailure = failed.at(-1);
  const recovered = lastFailure ? requests.find((request) => request.outcome.ok && request.startedMs >= lastFailure.endedMs) : undefined;
  const moved = observation.vipMovedMs;
  const firstSuccess = moved === undefined ? undefined : requests.find((request) => request.outcome.ok && request.startedMs >= moved);
  const firstFailure = failed[0];
  return {
    vipMovedMs: round(moved),
    masterLoggedMs: round(observation.masterLoggedMs),
    /** The first request that started after the VIP was seen on the new holder and succeeded. */
    firstSuccessMs: round(firstSuccess?.endedMs),
    failedRequests: failed.length,
    requests: requests.length,
    /** From the start of the first failed request to the end of the first success after the last failure. */
    interruptionMs: firstFailure && recovered ? Math.round(recovered.endedMs - firstFailure.startedMs) : firstFailure ? undefined : 0,
  };
}

export function judgeVipHandover(topology: Topology, observation: VipHandoverObservation): Verdict {
  const property = observation.kind === 'failover' ? 'director failover' : 'director return';
  const { from, to, action } = observation;
  const timings = vipHandoverTimings(observation);
  const meanwhile = `${timings.failedRequests} of ${timings.requests} requests failed meanwhile`;
  const fail = (message: string): Verdict => ({ property, ok: false, message });
  const on = (holders: string[]) => (holders.length > 0 ? holders.join(' and ') : 'no director');

  // Before a return the returning master may still hold a stale copy, left by its crash.
  const heldBefore =
    observation.kind === 'failover'
      ? observation.holdersBefore.length === 1 && observation.holdersBefore[0] === from
      : observation.holdersBefore.includes(from) && observation.holdersBefore.every((holder) => holder === from || holder === to);
  if (!heldBefore) {
    return fail(`before ${action}, the VIP should have been on ${from}${observation.kind === 'failover' ? ' alone' : ''}, but it was on ${on(observation.holdersBefore)}`);
  }
  if (!to) {
    const others = hostsWithRole(topology, 'director').filter((director) => director.name !== from);
    const why = others.length === 0 ? `there is no other director to take it` : `none of ${others.map((director) => director.name).join(', ')} took it`;
    return fail(`no director took over the VIP within ${observation.waitedMs} ms after ${action} (${why}; the VIP is on ${on(observation.holdersAfter)}); ${meanwhile}`);
  }
  if (observation.vipMovedMs === undefined) {
    return fail(`the VIP did not move to ${to} within ${observation.waitedMs} ms after ${action}: it is on ${on(observation.holdersAfter)}; ${meanwhile}`);
  }
  // After a crash the old holder may keep the address (nobody removed it); on a return the
  // backup must have let it go, or two directors answer ARP for it.
  if (observation.kind === 'return' && observation.holdersAfter.some((holder) => holder !== to)) {
    return fail(`${to} took the VIP back, but it is also still on ${observation.holdersAfter.filter((holder) => holder !== to).join(' and ')}`);
  }
  const expectedMac = hostNamed(topology, to).mac;
  if (observation.clientMac !== expectedMac) {
    const holder = hostsWithRole(topology, 'director').find((director) => director.mac === observation.clientMac);
    return fail(
      `the VIP moved to ${to}, but the client's ARP cache sends it to ${observation.clientMac ?? 'nobody'}${holder ? ` (${holder.name})` : ''}, not to ${to}'s ${expectedMac}: no gratuitous ARP reached it`,
    );
  }
  const failedAfter = observation.after.filter((outcome) => !outcome.ok);
  if (observation.after.length === 0 || failedAfter.length > 0) {
    return fail(
      `the VIP moved to ${to}, but ${failedAfter.length} of ${observation.after.length} new connections after the handover failed` +
        (failedAfter[0] ? ` (${failedAfter[0].error})` : ''),
    );
  }
  const through = observation.connectionsThrough[to] ?? 0;
  if (through < observation.after.length) {
    const elsewhere = Object.entries(observation.connectionsThrough).filter(([name, count]) => name !== to && count > 0).map(([name, count]) => `${name} ${count}`);
    return fail(`only ${through} of the ${observation.after.length} connections after the handover went through ${to}'s IPVS${elsewhere.length ? ` (through ${elsewhere.join(', ')})` : ''}`);
  }
  const stillOnOld = observation.holdersAfter.includes(from) ? ` (${from} still holds the address too: nothing removed it)` : '';
  return {
    property,
    ok: true,
    message:
      `the VIP moved from ${from} to ${to} ${timings.vipMovedMs} ms after ${action}${stillOnOld}; the client's ARP cache follows ${to}; ` +
      `${meanwhile}${timings.firstSuccessMs === undefined ? '' : `, the first success through ${to} ended at ${timings.firstSuccessMs} ms`}; ` +
      `all ${observation.after.length} new connections were answered through ${to}`,
  };
}

function round(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value);
}
