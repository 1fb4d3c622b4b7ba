// Property 4: in tunnel mode the director only ever sees requests; a reply
// from the VIP leaving it means replies are routed back through it. On a
// shared segment its capture also shows the real servers' replies passing
// by, so "sent by the director" is decided by the source MAC.
import { capturesOfRole, captureNames, countOf, sightingsOfRole, verdict, type ConnectionContext } from './connection-context.js';
import type { PropertyVerdict } from './tun-contract-types.js';
import { hostPort } from '../topology/ipv6.js';

/** Judges property 4 on the directors' uplink captures. */
export function judgeDirectorSilent(context: ConnectionContext): PropertyVerdict {
  const { directory } = context;
  const directorCaptures = capturesOfRole(context, 'director');
  if (directorCaptures.length === 0) {
    return verdict(4, false, "no capture of a director's uplink was given: cannot tell whether a director sent replies");
  }
  const seen = sightingsOfRole(context, 'director');
  const repliesFromVip = seen.filter((sighting) => sighting.direction === 'reply' && sighting.ip.source === directory.vip);
  const sentByDirector = repliesFromVip.filter((sighting) => sighting.sentByCaptureHost === true);
  const first = sentByDirector[0];
  if (first) {
    const director = first.captureHost;
    const who = director ? `the director ${director.name} (MAC ${director.mac})` : `the director ${first.capture.host}`;
    const detail = `${who} sent ${countOf(sentByDirector.length, 'packet')} from the VIP ${hostPort(directory.vip, directory.port)} to the client`;
    return verdict(4, false, detail, sentByDirector);
  }
  const passing = repliesFromVip.length;
  const where = captureNames(directorCaptures);
  const note =
    seen.length === 0
      ? ` (no packet of this connection was captured on ${where} at all)`
      : passing > 0
        ? ` (${countOf(passing, 'reply', 'replies')} from other hosts' MACs passed by on ${where})`
        : '';
  return verdict(4, true, `no director sent a packet from the VIP to the client${note}`);
}
