// Takes a real server down and brings it back on a cluster under keepalived, and records what
// happened and when: keepalived's log (the failed check, the removal), the director's table
// (polled), and the client's requests throughout. The judging is failover-real-server.ts'; this only
// observes, with bounded waits, and never throws because keepalived did not act.
import type { Cluster } from '../cluster/cluster.js';
import { describeTableState, realServerState, type TableState } from '../kernel-state/ipvs-save.js';
import { readIpvsRealServers } from '../kernel-state/read-kernel-state.js';
import type { RealServerFailoverObservation, RealServerReturnObservation, TimedOutcome } from './failover-real-server.js';
import { waitFor, WaitTimeoutError } from '../process/wait-for.js';
import { hostNamed } from '../topology/topology.js';
import type { KeepalivedDirectors } from '../keepalived/keepalived-directors.js';
import { checkerEventOf } from '../keepalived/keepalived-log.js';
import { watchDirectors } from './witness-directors.js';

export interface RealServerFailoverOptions {
  /** How long to wait for keepalived to act. */
  timeoutMs?: number;
  /** Each request's timeout. */
  requestTimeoutMs?: number;
  /** Requests made once keepalived has acted. */
  requests?: number;
}

const DEFAULTS = { timeoutMs: 20_000, requestTimeoutMs: 1_000 };

/** Stops `server`'s HTTP server and observes keepalived take it out, and the requests after. */
export async function measureRealServerFailover(cluster: Cluster, server: string, options: RealServerFailoverOptions = {}): Promise<RealServerFailoverObservation> {
  const keepalived = keepalivedOf(cluster);
  const { timeoutMs, requestTimeoutMs } = { ...DEFAULTS, ...options };
  const director = await activeDirector(cluster);
  const realServer = realServerKey(cluster, server);
  const expected = cluster.topology.service.inhibitOnFailure ? 'weight-0' : 'removed';
  const before = await tableState(cluster, director, realServer);
  if (!before.present || before.weight === 0) throw new Error(`${server} must be in ${director}'s table with a weight above 0 before it can fail over; it is ${describeTableState(before)}`);

  const started = performance.now();
  const since = () => performance.now() - started;
  let detectedMs: number | undefined;
  let takenOutLoggedMs: number | undefined;
  const unsubscribe = keepalived.onLine(({ director: from, line, at }) => {
    if (from !== director) return;
    const event = checkerEventOf(line, realServer);
    if (event === 'check-failed') detectedMs ??= at - started;
    if (event === 'taken-out') takenOutLoggedMs ??= at - started;
  });
  const watch = watchDirectors(cluster, keepalived, started);
  try {
    await cluster.stopHttpServer(server);
    const duringDetection: TimedOutcome[] = [];
    let finalState: TableState = before;
    let removedMs: number | undefined;
    const reached = (state: TableState) => (expected === 'removed' ? !state.present : state.present && state.weight === 0);
    await untilTimeout(
      waitFor(
        async () => {
          duringDetection.push(await timedRequest(cluster, since, requestTimeoutMs));
          finalState = await tableState(cluster, director, realServer);
          if (!reached(finalState)) throw new Error(`${server} is ${describeTableState(finalState)}`);
          removedMs = since();
        },
        { timeoutMs, awaiting: `keepalived on ${director} to ${expected === 'removed' ? 'take' : 'set the weight of'} ${server} ${expected === 'removed' ? 'out of its IPVS table' : 'to 0'}`, intervalMs: 20, maxIntervalMs: 100 },
      ),
    );
    const waitedMs = Math.round(since());
    const afterRemoval = await cluster.request({ count: options.requests ?? 6, timeoutMs: requestTimeoutMs });
    const witness = await watch.finish();
    return { server, expected, detectedMs, takenOutLoggedMs, removedMs, finalState, waitedMs, duringDetection, afterRemoval, witness };
  } finally {
    unsubscribe();
    watch.cancel();
  }
}

/** Starts `server`'s HTTP server again and observes keepalived put it back, and the requests after. */
export async function measureRealServerReturn(cluster: Cluster, server: string, options: RealServerFailoverOptions = {}): Promise<RealServerReturnObservation> {
  const keepalived = keepalivedOf(cluster);
  const { timeoutMs, requestTimeoutMs } = { ...DEFAULTS, ...options };
  const director = await activeDirector(cluster);
  const realServer = realServerKey(cluster, server);
  const weight = cluster.topology.service.realServers.find((entry) => entry.host === server)!.weight;
  const started = performance.now();
  const watch = watchDirectors(cluster, keepalived, started);
  try {
    await cluster.startHttpServer(server);
    let finalState = await tableState(cluster, director, realServer);
    let returnedMs: number | undefined;
    await untilTimeout(
      waitFor(
        async () => {
          finalState = await tableState(cluster, director, realServer);
          if (!finalState.present || finalState.weight !== weight) throw new Error(`${server} is ${describeTableState(finalState)}`);
          returnedMs = performance.now() - started;
        },
        { timeoutMs, awaiting: `keepalived on ${director} to put ${server} back in its IPVS table with weight ${weight}`, intervalMs: 50, maxIntervalMs: 200 },
      ),
    );
    const waitedMs = Math.round(performance.now() - started);
    const outcomes = await cluster.request({ count: options.requests ?? 2 * cluster.topology.service.realServers.length, timeoutMs: requestTimeoutMs });
    return { server, weight, returnedMs, finalState, waitedMs, outcomes, witness: await watch.finish() };
  } finally {
    watch.cancel();
  }
}

export function keepalivedOf(cluster: Cluster): KeepalivedDirectors {
  if (!cluster.keepalived) throw new Error(`run ${cluster.runId} takes its rules from ${cluster.topology.service.rulesFrom}: failover needs service.rulesFrom: keepalived`);
  return cluster.keepalived;
}

/** The director the client's traffic goes to: the VIP's holder, or the only director. */
export async function activeDirector(cluster: Cluster): Promise<string> {
  if (!cluster.topology.service.vrrp) return cluster.director.name;
  const [holder] = await cluster.vipHolders();
  if (!holder) throw new Error(`no director of run ${cluster.runId} holds the VIP`);
  return holder;
}

/** One request, with when it started and ended. */
export async function timedRequest(cluster: Cluster, since: () => number, timeoutMs: number): Promise<TimedOutcome> {
  const startedMs = since();
  const [outcome] = await cluster.request({ count: 1, timeoutMs });
  return { startedMs, endedMs: since(), outcome: outcome! };
}

/** Resolves when the wait succeeds or times out; a timeout is an observation, not an error. */
export async function untilTimeout(waiting: Promise<unknown>): Promise<void> {
  try {
    await waiting;
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
  }
}

function realServerKey(cluster: Cluster, server: string): string {
  const entry = cluster.topology.service.realServers.find((candidate) => candidate.host === server);
  if (!entry) throw new Error(`${server} is not a real server of ${cluster.topology.name}`);
  return `${hostNamed(cluster.topology, server).address}:${entry.port}`;
}

async function tableState(cluster: Cluster, director: string, realServer: string): Promise<TableState> {
  return realServerState(await readIpvsRealServers(cluster.namespaceReader(director)), realServer);
}
