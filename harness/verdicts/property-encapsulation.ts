// Property 2: what leaves the director is the client's packet, unchanged,
// inside IP-in-IP from the director to a real server (or inside the GUE or GRE
// tunnel the topology asks for). Plain frames to a real server's MAC are direct
// routing; a rewritten destination is NAT; another tunnel type is a wrong rule.
import type { Sighting } from './connection-sightings.js';
import { capturesOfRole, captureNames, countOf, sightingsOfRole, verdict, type ConnectionContext } from './connection-context.js';
import { isAddressOf, type PropertyVerdict } from './tun-contract-types.js';

/** Judges property 2 on the directors' uplink captures. */
export function judgeEncapsulation(context: ConnectionContext): PropertyVerdict {
  const directorCaptures = capturesOfRole(context, 'director');
  if (directorCaptures.length === 0) return verdict(2, false, "no capture of a director's uplink was given");
  const seen = sightingsOfRole(context, 'director');
  if (seen.length === 0) return verdict(2, false, `no packet of this connection was captured on ${captureNames(directorCaptures)}`);
  const forwarded = seen.filter((sighting) => sighting.direction === 'request' && wasSentByDirector(sighting));
  if (forwarded.length === 0) {
    const arrived = seen.filter((sighting) => sighting.direction === 'request');
    const where = captureNames(directorCaptures);
    const detail = `the director sent no packet of this connection on ${where} (${countOf(arrived.length, 'packet')} from the client arrived)`;
    return verdict(2, false, detail, arrived);
  }
  const problems = forwarded
    .map((sighting) => ({ sighting, problem: problemOf(sighting, context) }))
    .filter((entry) => entry.problem !== undefined);
  const first = problems[0];
  if (first) {
    const share = `${problems.length} of ${countOf(forwarded.length, 'forwarded packet')}`;
    return verdict(2, false, `${first.problem} (${share})`, problems.map((entry) => entry.sighting));
  }
  const tunnel = forwarded[0]?.tunnel;
  const realServer = context.directory.realServerByAddress(tunnel?.destination);
  const route = `from ${tunnel?.source} to ${tunnel?.destination} (${realServer?.name})`;
  const how = context.directory.tunnel.type === 'ipip' ? '' : ` in ${describeTunnel(context.directory.tunnel)}`;
  return verdict(2, true, `the director encapsulated ${countOf(forwarded.length, 'packet')}${how} ${route}, inner packet unchanged`, forwarded.slice(0, 1));
}

/** `IP-in-IP`, `GRE`, `GUE (UDP port 6080)`. */
function describeTunnel(tunnel: { type: 'ipip' | 'gre' | 'gue'; port?: number }): string {
  if (tunnel.type === 'ipip') return 'IP-in-IP';
  if (tunnel.type === 'gre') return 'GRE';
  return tunnel.port === undefined ? 'GUE' : `GUE (UDP port ${tunnel.port})`;
}

function wasSentByDirector(sighting: Sighting): boolean {
  if (sighting.sentByCaptureHost !== undefined) return sighting.sentByCaptureHost;
  // A raw IP capture records no link source: trust the outer source address.
  return sighting.tunnel !== undefined && isAddressOf(sighting.captureHost, sighting.tunnel.source);
}

function problemOf(sighting: Sighting, context: ConnectionContext): string | undefined {
  const { directory } = context;
  const director = sighting.captureHost;
  const name = director?.name ?? sighting.capture.host;
  if (!sighting.tunnel) {
    const rewrittenTo = directory.realServerByAddress(sighting.ip.destination);
    if (rewrittenTo) {
      return `${name} rewrote the destination to ${sighting.ip.destination} (${rewrittenTo.name}) instead of encapsulating (NAT)`;
    }
    const byMac = directory.realServerByMac(sighting.linkDestination);
    if (byMac) return `${name} forwarded the packet without IP-in-IP to ${byMac.name}'s MAC ${byMac.mac} (direct routing)`;
    return `${name} sent the packet without IP-in-IP to ${directory.describeMac(sighting.linkDestination)}`;
  }
  if (director && !isAddressOf(director, sighting.tunnel.source)) {
    return `outer source is ${sighting.tunnel.source}, expected ${name}'s address ${sighting.tunnel.source.includes(':') ? (director.address6 ?? director.address) : director.address}`;
  }
  if (!directory.realServerByAddress(sighting.tunnel.destination)) {
    const known = directory.realServers.map((server) => `${server.name} ${server.address}`).join(', ');
    return `outer destination ${sighting.tunnel.destination} is not a real server (${known})`;
  }
  if (sighting.ip.destination !== directory.vip) {
    return `the inner destination was changed to ${sighting.ip.destination}, expected the VIP ${directory.vip}`;
  }
  const expected = directory.tunnel;
  const used = { type: sighting.tunnel.encapsulation, ...(sighting.tunnel.port !== undefined ? { port: sighting.tunnel.port } : {}) };
  if (used.type !== expected.type || (expected.type === 'gue' && expected.port !== undefined && used.port !== expected.port)) {
    return `${name} encapsulated in ${describeTunnel(used)}, the topology says ${describeTunnel(expected)}`;
  }
  return undefined;
}
