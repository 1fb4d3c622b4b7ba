// Every packet that says which real server a connection went to. Both the
// "one real server" property and the expected server of "direct return"
// are read from this one list so they can never disagree.
import { sameMac } from './cluster-directory.js';
import type { Sighting } from './connection-sightings.js';
import type { ConnectionContext } from './connection-context.js';

/** One packet pointing at a real server (by name, or by address when it is not one). */
export interface RealServerNaming {
  realServer: string;
  how: 'tunnel destination' | 'frame destination' | 'rewritten destination' | 'reply source MAC' | 'received by';
  sighting: Sighting;
}

/** Namings in time order: tunnel destinations, forwarded frames, arrivals on a real server, replies from a real server's MAC. */
export function realServerNamings(context: ConnectionContext): RealServerNaming[] {
  const { directory } = context;
  const namings: RealServerNaming[] = [];
  for (const sighting of context.sightings) {
    const name = (how: RealServerNaming['how'], realServer: string) => namings.push({ realServer, how, sighting });
    if (sighting.direction === 'request') {
      if (sighting.tunnel) {
        name('tunnel destination', directory.realServerByAddress(sighting.tunnel.destination)?.name ?? sighting.tunnel.destination);
      } else if (sighting.ip.destination !== directory.vip) {
        const target = directory.realServerByAddress(sighting.ip.destination);
        if (target) name('rewritten destination', target.name);
      } else if (sighting.capture.role === 'director' && sighting.sentByCaptureHost) {
        const target = directory.realServerByMac(sighting.linkDestination);
        if (target) name('frame destination', target.name);
      } else if (sighting.capture.role === 'real-server' && wasAddressedToCaptureHost(sighting)) {
        // tunl0 after decapsulation, or an uplink under direct routing.
        name('received by', sighting.capture.host);
      }
    } else {
      const sender = directory.realServerByMac(sighting.linkSource);
      if (sender) name('reply source MAC', sender.name);
    }
  }
  return namings;
}

/** The real server a connection was given: the first one any packet names. */
export function chosenRealServer(namings: RealServerNaming[]): string | undefined {
  return namings[0]?.realServer;
}

function wasAddressedToCaptureHost(sighting: Sighting): boolean {
  // On a shared segment a host's capture also shows frames meant for others.
  if (sighting.packet.ethernet) return sameMac(sighting.linkDestination, sighting.captureHost?.mac);
  return sighting.sentByCaptureHost !== true;
}
