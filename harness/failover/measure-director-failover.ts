// Takes the VRRP master down (its keepalived stopped or killed, or its uplink down) and brings
// it back, and records what the client saw: the VIP polled on every director, keepalived's own
// account of becoming master, requests made back to back from the fault until one succeeds
// through the new holder, then new connections counted in each director's connection table.
// The judging is failover-director.ts'; this only observes, with bounded waits.
import type { Cluster } from '../cluster/cluster.js';
import { newConnections, type IpvsConnection } from '../kernel-state/ipvs-connections.js';
import { readIpvsConnections } from '../kernel-state/read-kernel-state.js';
import type { VipHandoverObservation } from './failover-director.js';
import type { TimedOutcome } from './failover-real-server.js';
import { waitFor } from '../process/wait-for.js';
import { directorsByPriority } from '../topology/topology.js';
import { vrrpStateOf } from '../keepalived/keepalived-log.js';
import { keepalivedOf, timedRequest, untilTimeout } from './measure-real-server-failover.js';
import { clientMacForVip } from '../keepalived/vip-holders.js';

/** How the master goes down. */
export type DirectorFault = 'keepalived-stopped' | 'keepalived-killed' | 'uplink-down';

export const DIRECTOR_FAULTS: readonly DirectorFault[] = ['keepalived-stopped', 'keepalived-killed', 'uplink-down'];

export interface DirectorFailoverOptions {
  fault: DirectorFault;
  /** How long to wait for the VIP to move and a request to succeed through its new holder. */
  timeoutMs?: number;
  /** Each request's timeout: short, so the interruption is measured finely. */
  requestTimeoutMs?: number;
  /** New connections made after the handover. */
  requests?: number;
}

const DEFAULTS = { timeoutMs: 20_000, requestTimeoutMs: 500, requests: 4 };
const AFTER_REQUEST_TIMEOUT_MS = 1_500;

/** Puts the VIP's holder down by `fault` and observes a backup take over. */
export async function measureDirectorFailover(cluster: Cluster, options: DirectorFailoverOptions): Promise<VipHandoverObservation> {
  const keepalived = keepalivedOf(cluster);
  const [from = directorsByPriority(cluster.topology)[0]!.name] = await cluster.vipHolders();
  const to = directorsByPriority(cluster.topology).find((director) => director.name !== from)?.name;
  const actions: Record<DirectorFault, [string, () => Promise<unknown>]> = {
    'keepalived-stopped': [`${from}'s keepalived was stopped (SIGTERM)`, () => keepalived.stop(from, 'SIGTERM')],
    'keepalived-killed': [`${from}'s keepalived was killed (SIGKILL)`, () => keepalived.stop(from, 'SIGKILL')],
    'uplink-down': [`${from}'s uplink went down`, () => cluster.exec(from, ['ip', 'link', 'set', cluster.plan.uplink, 'down'])],
  };
  const [action, perform] = actions[options.fault];
  return observeHandover(cluster, { kind: 'failover', from, to, action, perform }, options);
}

/** Undoes `fault` on `director` (keepalived started again, or its uplink up) and observes it take the VIP back. */
export async function measureDirectorReturn(cluster: Cluster, director: string, options: DirectorFailoverOptions): Promise<VipHandoverObservation> {
  const keepalived = keepalivedOf(cluster);
  // After a crash the returning director may still hold a stale copy of the address.
  const from = (await cluster.vipHolders()).find((holder) => holder !== director) ?? '';
  const [action, perform]: [string, () => Promise<unknown>] =
    options.fault === 'uplink-down'
      ? [`${director}'s uplink came back up`, () => cluster.exec(director, ['ip', 'link', 'set', cluster.plan.uplink, 'up'])]
      : [`${director}'s keepalived was started again`, () => keepalived.start(director)];
  return observeHandover(cluster, { kind: 'return', from, to: director, action, perform }, options);
}

interface Handover {
  kind: 'failover' | 'return';
  from: string;
  to?: string;
  action: string;
  perform: () => Promise<unknown>;
}

async function observeHandover(cluster: Cluster, handover: Handover, options: DirectorFailoverOptions): Promise<VipHandoverObservation> {
  const { timeoutMs, requestTimeoutMs, requests: afterCount } = { ...DEFAULTS, ...options };
  const { kind, from, to, action } = handover;
  const holdersBefore = await cluster.vipHolders();
  const started = performance.now();
  const since = () => performance.now() - started;
  let masterLoggedMs: number | undefined;
  const unsubscribe = keepalivedOf(cluster).onLine(({ director, line, at }) => {
    if (director === to && vrrpStateOf(line) === 'MASTER') masterLoggedMs ??= at - started;
  });
  try {
    // Not awaited first: a graceful stop takes keepalived a second, and the client's view
    // starts at the signal, not when the daemon is gone.
    const performing = handover.perform();
    let holdersAfter = holdersBefore;
    let vipMovedMs: number | undefined;
    const requests: TimedOutcome[] = [];
    // Both loops share the bound; the VIP is polled while the client keeps asking.
    const vipMoved = waitFor(
      async () => {
        holdersAfter = await cluster.vipHolders();
        // A failover is done when the backup holds the VIP (a crashed master may keep a stale
        // copy); a return, only when the backup has let it go as well.
        const arrived =
          kind === 'return' ? holdersAfter.length === 1 && holdersAfter[0] === to : to ? holdersAfter.includes(to) : holdersAfter.some((holder) => holder !== from);
        if (!arrived) throw new Error(`the VIP is on ${holdersAfter.join(' and ') || 'no director'}`);
        vipMovedMs ??= since();
      },
      { timeoutMs, awaiting: `the VIP to move from ${from} to ${to ?? 'another director'}${kind === 'return' ? ' alone' : ''} after ${action}`, intervalMs: 20, maxIntervalMs: 100 },
    );
    const answered = waitFor(
      async () => {
        const request = await timedRequest(cluster, since, requestTimeoutMs);
        requests.push(request);
        if (!request.outcome.ok) throw new Error(request.outcome.error);
        if (vipMovedMs === undefined || request.startedMs < vipMovedMs) throw new Error('answered, but the VIP has not been seen on its new holder yet');
      },
      { timeoutMs, awaiting: `a request to the VIP to succeed after it moved to ${to ?? 'another director'}`, intervalMs: 10, maxIntervalMs: 50 },
    );
    const settled = await Promise.allSettled([performing, untilTimeout(vipMoved), untilTimeout(answered)]);
    const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
    const waitedMs = Math.round(since());
    holdersAfter = await cluster.vipHolders();
    const clientMac = await clientMacForVip(cluster.runner, cluster.plan);
    const tablesBefore = await connectionTables(cluster);
    // The handover is over: these requests get an ordinary timeout, not the fine-grained one.
    const after = await cluster.request({ count: afterCount, timeoutMs: Math.max(requestTimeoutMs, AFTER_REQUEST_TIMEOUT_MS) });
    const tablesAfter = await connectionTables(cluster);
    const fromClient = (connection: IpvsConnection) => connection.client.startsWith(`${cluster.client.address}:`);
    const connectionsThrough = Object.fromEntries(
      cluster.directors.map((director) => [director.name, newConnections(tablesBefore.get(director.name)!, tablesAfter.get(director.name)!).filter(fromClient).length]),
    );
    return { kind, from, to, action, holdersBefore, holdersAfter, vipMovedMs, masterLoggedMs, clientMac, requests, waitedMs, after, connectionsThrough };
  } finally {
    unsubscribe();
  }
}

async function connectionTables(cluster: Cluster): Promise<Map<string, IpvsConnection[]>> {
  const tables = await Promise.all(cluster.directors.map(async (director) => [director.name, await readIpvsConnections(cluster.namespaceReader(director.name))] as const));
  return new Map(tables);
}
