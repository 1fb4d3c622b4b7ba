// Turns verdicts into the two things a test needs: a pass/fail summary and a
// failure message a person can act on without opening the captures first.
import { TUN_PROPERTY_NAMES, type ConnectionVerdict, type TunPropertyId } from './tun-contract-types.js';

/** Counts per property, for a one-line result and for dashboards. */
export interface TunContractSummary {
  /** False when any property failed or when no connection was found at all. */
  ok: boolean;
  connections: number;
  failedConnections: number;
  properties: Array<{ id: TunPropertyId; name: string; passed: number; failed: number }>;
  /** E.g. `4 connections, 1 failed: property 3 (direct return) failed for 1`. */
  text: string;
}

/** Summarizes verdicts of judgeTunContract. */
export function summarizeTunContract(verdicts: ConnectionVerdict[]): TunContractSummary {
  const ids = Object.keys(TUN_PROPERTY_NAMES).map(Number) as TunPropertyId[];
  const properties = ids.map((id) => {
    const results = verdicts.map((connection) => connection.properties.find((property) => property.id === id));
    return {
      id,
      name: TUN_PROPERTY_NAMES[id],
      passed: results.filter((property) => property?.ok === true).length,
      failed: results.filter((property) => property?.ok === false).length,
    };
  });
  const failedConnections = verdicts.filter((connection) => connection.properties.some((property) => !property.ok)).length;
  const failures = properties
    .filter((property) => property.failed > 0)
    .map((property) => `property ${property.id} (${property.name}) failed for ${property.failed}`);
  const count = `${verdicts.length} connection${verdicts.length === 1 ? '' : 's'}`;
  const text =
    verdicts.length === 0
      ? 'no connection to the service was found in the captures'
      : failures.length === 0
        ? `${count}: all ${ids.length} TUN properties held`
        : `${count}, ${failedConnections} failed: ${failures.join(', ')}`;
  return { ok: verdicts.length > 0 && failedConnections === 0, connections: verdicts.length, failedConnections, properties, text };
}

/** Every failed property with its deciding packets; '' when all held, so tests can `expect(...).toBe('')`. */
export function formatTunContractFailures(verdicts: ConnectionVerdict[], options: { captureFolder?: string } = {}): string {
  const lines: string[] = [];
  if (verdicts.length === 0) lines.push('no connection to the service was found in the captures: nothing could be judged');
  for (const connection of verdicts) {
    const server = connection.realServer === undefined ? '' : ` (real server ${connection.realServer})`;
    for (const property of connection.properties.filter((candidate) => !candidate.ok)) {
      lines.push(`connection ${connection.connection}${server}: property ${property.id} (${property.name}) failed: ${property.detail}`);
      for (const evidence of property.evidence) {
        const file = evidence.file === undefined ? '' : ` (${evidence.file})`;
        lines.push(`    ${evidence.capture} #${evidence.packetIndex}${file}: ${evidence.summary}`);
      }
    }
  }
  if (lines.length > 0 && options.captureFolder !== undefined) {
    lines.push(`captures are in ${options.captureFolder} (read them with: tcpdump -nn -e -r FILE; #N counts packets from 0)`);
  }
  return lines.join('\n');
}
