// What every property check of one connection gets: the cluster, the
// captures and that connection's sightings, plus helpers for common cuts.
import type { ClusterDirectory } from './cluster-directory.js';
import type { Sighting } from './connection-sightings.js';
import { evidenceOf } from './connection-sightings.js';
import {
  TUN_PROPERTY_NAMES,
  type CapturePoint,
  type PropertyVerdict,
  type TunPropertyId,
  type VerdictEvidence,
} from './tun-contract-types.js';

/** Inputs of the property checks for one connection. */
export interface ConnectionContext {
  directory: ClusterDirectory;
  captures: CapturePoint[];
  connection: string;
  sightings: Sighting[];
}

/** Enough packets to show the point without burying the message. */
export const MAX_EVIDENCE = 4;

/** Captures taken on hosts of a role, e.g. every director uplink. */
export function capturesOfRole(context: ConnectionContext, role: CapturePoint['role']): CapturePoint[] {
  return context.captures.filter((capture) => capture.role === role);
}

/** The connection's sightings in captures of a role. */
export function sightingsOfRole(context: ConnectionContext, role: CapturePoint['role']): Sighting[] {
  return context.sightings.filter((sighting) => sighting.capture.role === role);
}

/** `lvs:eth0` or `lvs:eth0 or lvs2:eth0`, for "nothing captured on ..." details. */
export function captureNames(captures: CapturePoint[]): string {
  return captures.map((capture) => `${capture.host}:${capture.iface}`).join(' or ');
}

/** Builds a verdict, capping its evidence. */
export function verdict(id: TunPropertyId, ok: boolean, detail: string, deciding: Sighting[] = []): PropertyVerdict {
  const evidence: VerdictEvidence[] = deciding.slice(0, MAX_EVIDENCE).map(evidenceOf);
  return { id, name: TUN_PROPERTY_NAMES[id], ok, detail, evidence };
}

/** `1 packet`, `3 packets`, `2 replies`. */
export function countOf(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
