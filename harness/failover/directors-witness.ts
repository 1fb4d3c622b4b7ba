// What every director did while a real server failed over or came back, kept so that a failed
// verdict says why, not only what: keepalived's own account (VRRP state changes, health checks,
// servers taken out and put back), who held the VIP afterwards, and which director gave each
// of the client's connections to which real server. A request that IPVS's round-robin cannot
// explain is either a table that changed under it or a connection another director took.
// Pure: the measuring is harness/failover/witness-directors.ts.
import type { HttpOutcome } from '../traffic/http-outcome.js';
import type { Topology } from '../topology/topology.js';
import type { IpvsConnection } from '../kernel-state/ipvs-connections.js';

export interface WitnessedLine {
  director: string;
  /** ms after the scenario began (the fault, or the HTTP server's restart). */
  atMs: number;
  line: string;
}

export interface DirectorsWitness {
  /** Every director's keepalived lines during the scenario. */
  keepalivedLines: WitnessedLine[];
  /** The directors holding the VIP once the requests were made. */
  vipHolders: string[];
  /** Each director's connection table once the requests were made. */
  connections: Record<string, IpvsConnection[]>;
}

/** keepalived lines worth a reader's time: VRRP, table changes, and health checks that changed a verdict. */
export function isTelling(line: string): boolean {
  return /\(VI_\d+\)|VRRP|election|(Removing|Adding|Disabling|Enabling) service|failed|succeed|timeout|refused/i.test(line);
}

const MAX_LINES = 40;

/**
 * The witness as lines for a failure's message. `outcomes` are the requests being judged: their
 * client ports pick their connections out of the tables, and a connection the director holds in
 * SYN_RECV (a handshake the client never finished) is shown too: a request that timed out
 * has no port to name it by.
 */
export function describeWitness(topology: Topology, witness: DirectorsWitness, outcomes: readonly HttpOutcome[], clientAddress: string): string {
  const names = new Map(topology.hosts.map((host) => [host.address, host.name]));
  const nameOf = (endpoint: string) => names.get(endpoint.split(':')[0]!) ?? endpoint;
  const ports = new Set(outcomes.flatMap((outcome) => (outcome.localPort ? [`${clientAddress}:${outcome.localPort}`] : [])));

  const telling = witness.keepalivedLines.filter((entry) => isTelling(entry.line));
  const shown = telling.slice(-MAX_LINES);
  const lines = ['what the directors did meanwhile:'];
  lines.push(`  keepalived (ms from the start of the scenario)${telling.length > shown.length ? `, the last ${shown.length} of ${telling.length} lines` : ''}:`);
  if (shown.length === 0) lines.push('    nothing about VRRP or health checks');
  for (const entry of shown) lines.push(`    +${Math.round(entry.atMs)} ${entry.director}: ${entry.line}`);
  lines.push(`  the VIP's holders after the requests: ${witness.vipHolders.join(', ') || 'none'}`);
  lines.push('  the client connections in each director table (client port -> real server, state):');
  for (const [director, connections] of Object.entries(witness.connections)) {
    const relevant = connections.filter((connection) => ports.has(connection.client) || (connection.client.startsWith(`${clientAddress}:`) && connection.state === 'SYN_RECV'));
    const described = relevant.map((connection) => `${connection.client.split(':')[1]} -> ${nameOf(connection.realServer)} ${connection.state}`);
    lines.push(`    ${director}: ${described.join(', ') || 'none of these requests'}`);
  }
  return lines.join('\n');
}
