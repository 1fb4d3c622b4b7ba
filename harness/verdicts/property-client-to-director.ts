// Property 1: the client addresses the VIP and hands the frame to a director.
// A frame to another MAC means a real server answered ARP for the VIP (the
// classic tunnel-mode mistake) or the client routes around the director.
import type { Sighting } from './connection-sightings.js';
import { capturesOfRole, captureNames, countOf, sightingsOfRole, verdict, type ConnectionContext } from './connection-context.js';
import type { PropertyVerdict } from './tun-contract-types.js';
import { hostPort } from '../topology/ipv6.js';

/** Judges property 1 on the client's uplink captures. */
export function judgeClientToDirector(context: ConnectionContext): PropertyVerdict {
  const { directory } = context;
  const clientCaptures = capturesOfRole(context, 'client');
  if (clientCaptures.length === 0) return verdict(1, false, "no capture of the client's uplink was given");
  const seen = sightingsOfRole(context, 'client');
  if (seen.length === 0) return verdict(1, false, `no packet of this connection was captured on ${captureNames(clientCaptures)}`);
  // Only what the client sends to the VIP is this property's business: under NAT the client
  // also resets replies that came from a real server's own address, which property 3 judges.
  const sent = seen.filter(
    (sighting) => sighting.direction === 'request' && sighting.sentByCaptureHost !== false && (sighting.tunnel || sighting.ip.destination === directory.vip),
  );
  if (sent.length === 0) {
    const detail = `the client sent no packet of this connection to the VIP on ${captureNames(clientCaptures)} (only replies were captured)`;
    return verdict(1, false, detail, seen);
  }
  const problems = sent
    .map((sighting) => ({ sighting, problem: problemOf(sighting, context) }))
    .filter((entry) => entry.problem !== undefined);
  const first = problems[0];
  if (first) {
    const share = `${problems.length} of ${countOf(sent.length, 'packet')}`;
    return verdict(1, false, `${first.problem} (${share})`, problems.map((entry) => entry.sighting));
  }
  const director = directory.directorByMac(sent[0]?.linkDestination);
  const via = director ? ` via ${directory.describeMac(director.mac)}` : ' (destination MAC not recorded by this link type)';
  return verdict(1, true, `the client sent ${countOf(sent.length, 'packet')} to ${hostPort(directory.vip, directory.port)}${via}`, sent.slice(0, 1));
}

function problemOf(sighting: Sighting, context: ConnectionContext): string | undefined {
  const { directory } = context;
  if (sighting.tunnel) return `the client sent the packet inside IP-in-IP to ${sighting.tunnel.destination}`;
  if (sighting.linkDestination !== undefined && !directory.directorByMac(sighting.linkDestination)) {
    const directors = directory.directors.map((director) => `${director.name} ${director.mac}`).join(', ');
    return `the client sent to ${directory.describeMac(sighting.linkDestination)}, expected a director's MAC (${directors})`;
  }
  return undefined;
}
