// The distribution assertion on a live cluster: reads the scheduling director's table (the
// kernel's list order, weights, counters, persistence templates), makes the connections from
// every client address in turn, and judges who answered by the scheduler's rule.
import type { Cluster } from '../cluster/cluster.js';
import type { HttpOutcome } from '../traffic/http-outcome.js';
import { clientAddresses, ipvsTableExpected, SCHEDULERS, type Scheduler, type Topology } from '../topology/topology.js';
import type { ListedService } from '../kernel-state/ipvs-list.js';
import { judgeDistribution, distributionProperty, type DistributionVerdict, type JudgedConnection } from '../verdicts/distribution.js';
import { describeIpvsTableDifference, ipvsTableDifference, listedServiceAsRules } from '../kernel-state/ipvs-table-difference.js';
import { persistenceTemplates } from '../kernel-state/ipvs-connections.js';
import { readIpvsEntries, readIpvsListing } from '../kernel-state/read-kernel-state.js';
import { identifyAnswers } from '../verdicts/round-robin.js';
import { gcd, type Destination } from '../verdicts/scheduler-model.js';
import { hostPort } from '../topology/ipv6.js';

export interface DistributionCheck {
  verdict: DistributionVerdict;
  outcomes: HttpOutcome[];
}

/**
 * Connections enough to judge this topology's scheduler: two full cycles of its turns (rr: the
 * real servers, wrr: the weights over their gcd), each client address twice where the key is
 * the source (sh, mh, persistence), and never fewer than 8.
 */
export function defaultConnections(topology: Topology): number {
  const weights = topology.service.realServers.map((server) => server.weight).filter((weight) => weight > 0);
  const servers = Math.max(1, weights.length);
  const addresses = clientAddresses(topology).length;
  const divisor = weights.length > 0 ? weights.reduce((a, b) => gcd(a, b)) : 1;
  const cycle = topology.service.scheduler === 'wrr' ? weights.reduce((sum, weight) => sum + weight / divisor, 0) : servers;
  let wanted = 2 * Math.max(cycle, servers);
  if (topology.service.persistence !== undefined || ['sh', 'mh'].includes(topology.service.scheduler)) wanted = Math.max(wanted, 2 * addresses);
  return Math.min(512, Math.max(8, Math.ceil(wanted)));
}

export interface DistributionOptions {
  connections?: number;
  timeoutMs?: number;
  /** The topology the table is judged by, when the director was configured otherwise since the build (a suite's matrix). */
  topology?: Topology;
}

export async function checkDistribution(cluster: Cluster, options: DistributionOptions = {}): Promise<DistributionCheck> {
  const topology = options.topology ?? cluster.topology;
  const { service } = topology;
  const property = distributionProperty(service.scheduler, service.persistence !== undefined);
  // The director that holds the VIP schedules; with one director it is that one whatever its
  // addresses say, so its addresses are read only when there are several (a process start less
  // per batch inside UML).
  const director = (cluster.directors.length > 1 ? (await cluster.vipHolders().catch(() => []))[0] : undefined) ?? cluster.director.name;
  const virtual = hostPort(service.vip, service.port);
  const read = async () => {
    const [listing, entries] = await Promise.all([readIpvsListing(cluster.namespaceReader(director)), readIpvsEntries(cluster.namespaceReader(director))]);
    return { listed: listing.find((entry) => entry.service === virtual), templates: persistenceTemplates(entries, virtual) };
  };
  const before = await read().catch((error: Error) => ({ error }));
  const outcomes = await cluster.request({ count: options.connections ?? defaultConnections(topology), timeoutMs: options.timeoutMs, from: 'all' });
  const fail = (message: string): DistributionCheck => ({
    verdict: { property, ok: false, message, distribution: { scheduler: service.scheduler, persistent: service.persistence !== undefined, seen: {}, failed: 0, keys: 0 } },
    outcomes,
  });
  if ('error' in before) return fail(`could not read ${director}'s IPVS table: ${before.error.message}`);
  if (!before.listed) return fail(`${director}, which holds the VIP, has no virtual service ${virtual} in its IPVS table`);
  // Where the topology declares no table (a configurator judged by its own), the live one is the model.
  const difference = ipvsTableExpected(topology) ? describeIpvsTableDifference(director, service, ipvsTableDifference(service, listedServiceAsRules(before.listed))) : undefined;
  if (difference) return fail(`${difference}\nso ${service.scheduler}'s promise cannot hold for the table`);

  const nameOf = new Map(service.realServers.map((server) => [hostPort(server.address, server.port), server.host]));
  const destinations: Destination[] = before.listed.realServers.map((entry) => ({
    server: nameOf.get(entry.realServer) ?? entry.realServer,
    address: entry.realServer,
    weight: entry.weight,
    active: entry.active,
    inactive: entry.inactive,
  }));
  const templates = new Map([...before.templates].map(([key, realServer]) => [key, nameOf.get(realServer) ?? realServer]));
  const primary = clientAddresses(topology)[0]!;
  const connections: JudgedConnection[] = identifyAnswers(topology, outcomes).map((answer) => ({
    source: answer.outcome.localAddress ?? primary,
    port: answer.outcome.localPort,
    server: answer.server,
    ...(answer.server ? {} : { error: answer.outcome.ok ? `answered by no listed real server: ${JSON.stringify(answer.outcome.body?.split('\n')[0] ?? '')}` : answer.outcome.error }),
  }));
  // Judged by the table's own scheduler and persistence where the topology declares no table.
  const promise = ipvsTableExpected(topology) ? undefined : livePromise(before.listed);
  if (promise && 'unknown' in promise) return fail(`${director}'s table schedules ${virtual} by ${promise.unknown}, which the harness has no model for`);
  const scheduler = promise?.scheduler ?? service.scheduler;
  const persistenceNetmask = promise ? promise.persistenceNetmask : service.persistence !== undefined ? (service.persistenceNetmask ?? '255.255.255.255') : undefined;
  const verdict = judgeDistribution({
    scheduler,
    ...(persistenceNetmask !== undefined ? { persistence: { netmask: persistenceNetmask } } : {}),
    vip: service.vip,
    destinations,
    templates,
    connections,
    director,
    displayOrder: service.realServers.map((server) => server.host),
  });
  return { verdict, outcomes };
}

/** The scheduler and persistence a live table promises, or the scheduler no model knows. */
function livePromise(listed: ListedService): { scheduler: Scheduler; persistenceNetmask?: string } | { unknown: string } {
  const scheduler = SCHEDULERS.find((name) => name === listed.scheduler);
  if (!scheduler) return { unknown: listed.scheduler };
  return { scheduler, ...(listed.persistence !== undefined ? { persistenceNetmask: listed.netmask ?? '255.255.255.255' } : {}) };
}
