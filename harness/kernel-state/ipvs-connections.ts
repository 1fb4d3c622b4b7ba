// Reads the director's IPVS table the way failover judgements need it: is a real server in it,
// with what weight (what keepalived changes), and which connections it was given (what shows
// which director and which real server a client's connections went to, answered or not).
// Pure: the text comes from `ipvsadm-save -n` and `ipvsadm -Lnc`.

export interface IpvsRealServerEntry {
  /** The virtual service, `vip:port`. */
  service: string;
  /** The real server, `address:port`. */
  realServer: string;
  weight: number;
}

/** The real-server entries of `ipvsadm-save -n`. */
export function parseIpvsSave(text: string): IpvsRealServerEntry[] {
  const entries: IpvsRealServerEntry[] = [];
  for (const line of text.split('\n')) {
    const tokens = line.trim().split(/\s+/);
    if (tokens[0] !== '-a') continue;
    const service = tokens[tokens.indexOf('-t') + 1];
    const realServer = tokens[tokens.indexOf('-r') + 1];
    const weight = Number(tokens[tokens.indexOf('-w') + 1]);
    if (service && realServer && Number.isFinite(weight)) entries.push({ service, realServer, weight });
  }
  return entries;
}

/** A real server's place in the table: gone, or present with a weight (0 = inhibited). */
export type TableState = { present: false } | { present: true; weight: number };

export function realServerState(entries: readonly IpvsRealServerEntry[], realServer: string): TableState {
  const entry = entries.find((candidate) => candidate.realServer === realServer);
  return entry ? { present: true, weight: entry.weight } : { present: false };
}

export function describeTableState(state: TableState): string {
  return state.present ? `in the table with weight ${state.weight}` : 'not in the table';
}

/** One entry of the director's connection table (`ipvsadm -Lnc`): a client connection and where IPVS sent it. */
export interface IpvsConnection {
  state: string;
  /** The client's end, `address:port`. */
  client: string;
  virtual: string;
  realServer: string;
}

/**
 * The entries of `ipvsadm -Lnc`. The table, unlike `--stats` (summed by a timer every two
 * seconds), holds a connection from its first packet, so it can be read right after the requests.
 */
export function parseIpvsConnections(text: string): IpvsConnection[] {
  const connections: IpvsConnection[] = [];
  for (const line of text.split('\n')) {
    const match = /^(?:TCP|UDP|SCTP)\s+\S+\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)/.exec(line.trim());
    if (match) connections.push({ state: match[1]!, client: match[2]!, virtual: match[3]!, realServer: match[4]! });
  }
  return connections;
}

/** Connections in `after` that `before` did not hold (a client port is used once per connection). */
export function newConnections(before: readonly IpvsConnection[], after: readonly IpvsConnection[]): IpvsConnection[] {
  const key = (connection: IpvsConnection) => `${connection.client} ${connection.virtual} ${connection.realServer}`;
  const seen = new Set(before.map(key));
  return after.filter((connection) => !seen.has(key(connection)));
}

/** How many connections went to each real server (`address:port`). */
export function countByRealServer(connections: readonly IpvsConnection[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const connection of connections) counts.set(connection.realServer, (counts.get(connection.realServer) ?? 0) + 1);
  return counts;
}
