// Runs never collide: four copies of the seed's cluster (the same addresses, 192.168.73.0/24
// each) built at once by four separate processes, all alive while each one's traffic flows.
// Their namespaces carry each run's own id, and each run's judge sees exactly the connections
// its own client agent made: not one packet of the others', though every client is
// 192.168.73.50 and every VIP 192.168.73.120.
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../harness/library/index.js';
import { ParallelWorker, staleCompiledFiles, type WorkerEvent } from './support/parallel-runs.js';

const RUNS = 4;
const CONNECTIONS = 8;
// Inside User-Mode Linux four builds share one CPU: about 4 x 5 s, plus Node's start-up.
const BUILT_WITHIN_MS = 120_000;
const FINISHED_WITHIN_MS = 90_000;

function namespacesNow(): string[] {
  return existsSync('/run/netns') ? readdirSync('/run/netns') : [];
}

describe(`${RUNS} runs of the seed's cluster at once, from separate processes`, () => {
  const workers: ParallelWorker[] = [];
  let namespacesWhileAllBuilt: string[] = [];
  let built: WorkerEvent[] = [];
  let results: WorkerEvent[] = [];

  beforeAll(async () => {
    const stale = staleCompiledFiles();
    if (stale.length > 0) throw new Error(`the workers import dist/, which is older than ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ` and ${stale.length - 5} more` : ''}: run npx tsc -p tsconfig.json (npm test does)`);
    for (let index = 0; index < RUNS; index += 1) {
      workers.push(ParallelWorker.start(index, { connections: CONNECTIONS, timeoutMs: BUILT_WITHIN_MS + FINISHED_WITHIN_MS, goTimeoutMs: BUILT_WITHIN_MS }));
    }
    // Every cluster built (or a worker gone, which fails below with what it said).
    await waitFor(
      async () => {
        if (!workers.every((worker) => worker.event('built') || worker.exited)) throw new Error(`${workers.filter((worker) => worker.event('built')).length} of ${RUNS} built`);
      },
      { timeoutMs: BUILT_WITHIN_MS, awaiting: `${RUNS} workers to build their clusters`, maxIntervalMs: 500 },
    );
    namespacesWhileAllBuilt = namespacesNow();
    for (const worker of workers) if (!worker.exited) worker.go();
    await waitFor(
      async () => {
        if (!workers.every((worker) => worker.exited)) throw new Error(`${workers.filter((worker) => worker.exited).length} of ${RUNS} finished`);
      },
      { timeoutMs: FINISHED_WITHIN_MS, awaiting: `${RUNS} workers to check their clusters and tear them down`, maxIntervalMs: 500 },
    );
    built = workers.map((worker) => worker.event('built')!).filter(Boolean);
    results = workers.map((worker) => worker.event('result')!).filter(Boolean);
  }, BUILT_WITHIN_MS + FINISHED_WITHIN_MS + 10_000);

  // Only when something went wrong: a worker asked to stop still tears its cluster down.
  afterAll(() => Promise.all(workers.map((worker) => worker.stop())), 70_000);

  const everything = () => workers.map((worker) => worker.describe()).join('\n');

  it('every worker built its cluster, checked it, tore it down and exited 0', async () => {
    for (const worker of workers) {
      expect((await worker.done).exitCode, everything()).toBe(0);
      expect(worker.events.map((event) => event.event), everything()).toEqual(['built', 'result', 'stopped']);
    }
  });

  it('no two runs share an id or a namespace name, and each namespace carries its run id', () => {
    const ids = built.map((event) => event.runId);
    expect(new Set(ids).size, everything()).toBe(RUNS);
    const names = built.flatMap((event) => event.namespaces ?? []);
    expect(names).toHaveLength(RUNS * 5);
    expect(new Set(names).size).toBe(names.length);
    for (const event of built) {
      for (const name of event.namespaces!) expect(name.startsWith(`lvsh-${event.runId}-`), name).toBe(true);
      // The kernel held exactly the planned namespaces under the run's id.
      expect(event.seenNamespaces).toEqual([...event.namespaces!].sort());
    }
  });

  it('all clusters existed at the same time: every namespace was there before any traffic', () => {
    expect(built, everything()).toHaveLength(RUNS);
    for (const name of built.flatMap((event) => event.namespaces ?? [])) expect(namespacesWhileAllBuilt).toContain(name);
    const lastBuilt = Math.max(...built.map((event) => event.at));
    for (const result of results) expect(result.trafficStartedAt!).toBeGreaterThanOrEqual(lastBuilt);
  });

  it("each run's judge saw exactly its own agent's connections, all keeping the TUN contract and taking turns", () => {
    expect(results, everything()).toHaveLength(RUNS);
    for (const result of results) {
      const own = result.agentPorts!.map((port) => `${result.clientAddress}:${port}`);
      expect(own.every((connection) => /:\d+$/.test(connection)), JSON.stringify(result)).toBe(true);
      expect([...result.judgedConnections!].sort(), `run ${result.runId}`).toEqual([...own].sort());
      expect(result.tunContract!.ok, result.tunContract!.message).toBe(true);
      expect(result.roundRobin!.ok, result.roundRobin!.message).toBe(true);
      expect(result.answeredBy).toHaveLength(CONNECTIONS);
    }
  });

  it('left no namespace of any run behind', () => {
    const left = namespacesNow().filter((name) => built.some((event) => name.startsWith(`lvsh-${event.runId}-`)));
    expect(left).toEqual([]);
  });
});
