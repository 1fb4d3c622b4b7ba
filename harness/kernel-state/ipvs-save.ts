// The director's rules as `ipvsadm-save -n` prints them: is a real server in the table, with
// what weight (what keepalived changes). Pure.

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

