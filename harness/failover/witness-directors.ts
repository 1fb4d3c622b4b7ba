// Watches every director while a real server fails over or comes back: keepalived's lines from
// all of them (not only the VIP's holder, whose view the measurement times), then, once the
// requests are made, who holds the VIP and each director's connection table. It only records;
// harness/failover/directors-witness.ts turns it into words.
import type { Cluster } from '../cluster/cluster.js';
import type { DirectorsWitness, WitnessedLine } from './directors-witness.js';
import { readIpvsConnections } from '../kernel-state/read-kernel-state.js';
import type { KeepalivedDirectors } from '../keepalived/keepalived-directors.js';

export interface DirectorsWatch {
  /** Stops listening and reads the VIP's holders and the connection tables. */
  finish(): Promise<DirectorsWitness>;
  /** Stops listening without reading anything (the scenario failed). */
  cancel(): void;
}

export function watchDirectors(cluster: Cluster, keepalived: KeepalivedDirectors, started: number): DirectorsWatch {
  const keepalivedLines: WitnessedLine[] = [];
  const unsubscribe = keepalived.onLine(({ director, line, at }) => keepalivedLines.push({ director, atMs: at - started, line }));
  return {
    async finish() {
      unsubscribe();
      const [vipHolders, tables] = await Promise.all([
        cluster.topology.service.vrrp ? cluster.vipHolders() : Promise.resolve([cluster.director.name]),
        Promise.all(cluster.directors.map(async (director) => [director.name, await readIpvsConnections(cluster.namespaceReader(director.name))] as const)),
      ]);
      return { keepalivedLines, vipHolders, connections: Object.fromEntries(tables) };
    },
    cancel: unsubscribe,
  };
}
