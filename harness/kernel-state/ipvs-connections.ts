// The director's connection table as `ipvsadm -Lnc` prints it: which real server each client
// connection was given (what shows which director and which real server a client's connections
// went to, answered or not), and the persistence templates (client port 0) that pin a client
// or its network to a real server. The table, unlike `--stats` (summed by a timer every two
// seconds), holds a connection from its first packet, so it can be read right after the
// requests. Pure.

/** One entry of `ipvsadm -Lnc`. */
export interface IpvsConnection {
  protocol: string;
  /** Seconds until the entry expires unless a packet refreshes it (the `expire` column, mm:ss). */
  expiresIn: number;
  state: string;
  /** The client's end, `address:port` (port 0 for a persistence template). */
  client: string;
  virtual: string;
  realServer: string;
}

/** Every entry of `ipvsadm -Lnc`, persistence templates included. */
export function parseIpvsEntries(text: string): IpvsConnection[] {
  const entries: IpvsConnection[] = [];
  for (const line of text.split('\n')) {
    const match = /^(\S+)\s+(\d+):(\d+)\s+(\S+)\s+(\S+:\d+)\s+(\S+:\d+)\s+(\S+:\d+)$/.exec(line.trim());
    if (match) {
      entries.push({ protocol: match[1]!, expiresIn: Number(match[2]) * 60 + Number(match[3]), state: match[4]!, client: match[5]!, virtual: match[6]!, realServer: match[7]! });
    }
  }
  return entries;
}

/** A persistence template's client end has port 0: it stands for the client (or its network), not a connection. */
function isTemplate(entry: IpvsConnection): boolean {
  return entry.client.endsWith(':0');
}

/** The client connections of `ipvsadm -Lnc`, without persistence templates. */
export function parseIpvsConnections(text: string): IpvsConnection[] {
  return parseIpvsEntries(text).filter((entry) => !isTemplate(entry));
}

/** The persistence templates among `ipvsadm -Lnc` entries for one service (`vip:port`): the client address or network -> the real server `address:port`. */
export function persistenceTemplates(entries: readonly IpvsConnection[], service: string): Map<string, string> {
  const templates = new Map<string, string>();
  for (const entry of entries) {
    if (isTemplate(entry) && entry.virtual === service) templates.set(entry.client.slice(0, -':0'.length), entry.realServer);
  }
  return templates;
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
