// Property 5: a connection sticks to one real server; packets of one TCP
// connection spread over two servers mean the scheduler or persistence broke.
import { countOf, verdict, type ConnectionContext } from './connection-context.js';
import type { RealServerNaming } from './real-server-namings.js';
import type { PropertyVerdict } from './tun-contract-types.js';

/** Judges property 5 from every packet that names a real server. */
export function judgeOneRealServer(context: ConnectionContext, namings: RealServerNaming[]): PropertyVerdict {
  const byServer = new Map<string, RealServerNaming[]>();
  for (const naming of namings) byServer.set(naming.realServer, [...(byServer.get(naming.realServer) ?? []), naming]);
  if (byServer.size === 0) {
    return verdict(5, false, "no packet of this connection named a real server (no encapsulated packet, no reply from a real server's MAC)");
  }
  const groups = [...byServer.entries()];
  if (groups.length === 1) {
    const [server = '', group = []] = groups[0] ?? [];
    const hows = [...new Set(group.map((naming) => naming.how))].join(', ');
    const detail = `${countOf(group.length, 'captured packet')} named ${server} only (${hows})`;
    return verdict(5, true, detail, group.slice(0, 1).map((naming) => naming.sighting));
  }
  const list = groups.map(([server, group]) => `${server} (${countOf(group.length, 'captured packet')})`).join(', ');
  // One example per server shows the split best.
  const examples = groups.map(([, group]) => group[0]?.sighting).filter((sighting) => sighting !== undefined);
  return verdict(5, false, `the connection went to ${groups.length} real servers: ${list}`, examples);
}
