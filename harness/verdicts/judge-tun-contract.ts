// Entry point of the TUN contract check: finds the connections in the
// captures and judges each of the five properties for each of them.
import { buildClusterDirectory } from './cluster-directory.js';
import { collectSightings, hasClientSyn, type Sighting } from './connection-sightings.js';
import type { ConnectionContext } from './connection-context.js';
import { judgeClientToDirector } from './property-client-to-director.js';
import { judgeDirectReturn } from './property-direct-return.js';
import { judgeDirectorSilent } from './property-director-silent.js';
import { judgeEncapsulation } from './property-encapsulation.js';
import { judgeOneRealServer } from './property-one-real-server.js';
import { chosenRealServer, realServerNamings } from './real-server-namings.js';
import type { ConnectionVerdict, TunContractInput } from './tun-contract-types.js';

const LATE_CAPTURE_NOTE = ' [SYN not captured (capture started late?): judged on the packets that were]';

/** Judges every connection from the client to the service found in any capture, in order of first packet. */
export function judgeTunContract(input: TunContractInput): ConnectionVerdict[] {
  const directory = buildClusterDirectory(input);
  const byConnection = new Map<string, Sighting[]>();
  for (const sighting of collectSightings(input.captures, directory)) {
    byConnection.set(sighting.connection, [...(byConnection.get(sighting.connection) ?? []), sighting]);
  }
  return [...byConnection.entries()].map(([connection, sightings]) =>
    judgeConnection({ directory, captures: input.captures, connection, sightings }),
  );
}

function judgeConnection(context: ConnectionContext): ConnectionVerdict {
  const namings = realServerNamings(context);
  const realServer = chosenRealServer(namings);
  const synCaptured = hasClientSyn(context.sightings);
  const properties = [
    judgeClientToDirector(context),
    judgeEncapsulation(context),
    judgeDirectReturn(context, realServer),
    judgeDirectorSilent(context),
    judgeOneRealServer(context, namings),
  ].map((property) => (synCaptured ? property : { ...property, detail: property.detail + LATE_CAPTURE_NOTE }));
  const result: ConnectionVerdict = { connection: context.connection, synCaptured, properties };
  if (realServer !== undefined) result.realServer = realServer;
  return result;
}
