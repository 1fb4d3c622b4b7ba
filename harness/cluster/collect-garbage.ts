// `lvs-harness gc`: removes what crashed runs left behind (their namespaces and the processes
// in them, their run folders, their records), and nothing a live run owns. A run is live while
// the process that built it runs, or when it was left up on purpose (`up`) until `down`.
import { existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { KEPT_NOTE } from '../evidence-folder.js';
import { join } from 'node:path';
import { namespaceFile, ProcessRunner } from '../process/process-runner.js';
import { NAMESPACE_PREFIX } from '../plan/cluster-plan.js';
import { removeNamespaces } from './remove-namespaces.js';
import { forgetRun, isRunLive, listRuns } from './run-registry.js';
import { processesInNamespaces } from '../process/namespace-processes.js';

export interface Garbage {
  runIds: string[];
  namespaces: string[];
  processes: number[];
  folders: string[];
}

/** Something without a record may be a run that is writing its record right now: wait this long. */
const GRACE_MS = 60_000;
const RUN_NAMESPACE = new RegExp(`^${NAMESPACE_PREFIX}([0-9a-f]{8})-`);
const PROBE_NAMESPACE = new RegExp(`^${NAMESPACE_PREFIX}probe-`);
const RUN_FOLDER = /^lvs-harness-([0-9a-f]{8})-/;

/** Finds the leftovers of dead runs; changes nothing. */
export async function findGarbage(now = Date.now()): Promise<Garbage> {
  const records = await listRuns();
  const live = new Set(records.filter(isRunLive).map((record) => record.runId));
  const known = new Set(records.map((record) => record.runId));
  const dead = async (runId: string, path: string) => !live.has(runId) && (known.has(runId) || (await isOlderThan(path, now)));

  const namespaces: string[] = [];
  for (const name of await readdir('/run/netns').catch(() => [] as string[])) {
    const path = namespaceFile(name);
    const runId = RUN_NAMESPACE.exec(name)?.[1];
    if ((runId && (await dead(runId, path))) || (PROBE_NAMESPACE.test(name) && (await isOlderThan(path, now)))) namespaces.push(name);
  }
  const folders: string[] = [];
  for (const root of evidenceRoots()) {
    for (const name of await readdir(root).catch(() => [] as string[])) {
      const path = join(root, name);
      const runId = RUN_FOLDER.exec(name)?.[1];
      // Captures kept on purpose (after a failed check) carry kept.txt: evidence, not garbage.
      if (runId && (await dead(runId, path)) && !existsSync(join(path, KEPT_NOTE))) folders.push(path);
    }
  }
  const processes = [...(await processesInNamespaces(namespaces)).values()].flat();
  const runIds = [...new Set([...records.filter((record) => !isRunLive(record)).map((record) => record.runId), ...namespaces.flatMap((name) => RUN_NAMESPACE.exec(name)?.[1] ?? [])])];
  return { runIds, namespaces, processes, folders };
}

/** Removes the leftovers findGarbage reports. */
export async function collectGarbage(runner = new ProcessRunner()): Promise<Garbage> {
  const garbage = await findGarbage();
  if (garbage.namespaces.length > 0) await removeNamespaces(runner, garbage.namespaces);
  for (const folder of garbage.folders) await rm(folder, { recursive: true, force: true });
  for (const runId of garbage.runIds) await forgetRun(runId);
  return garbage;
}

function evidenceRoots(): string[] {
  return [...new Set([tmpdir(), process.env.LVS_HARNESS_OUTPUT].filter((root): root is string => Boolean(root)))];
}

async function isOlderThan(path: string, now: number): Promise<boolean> {
  try {
    return now - (await stat(path)).mtimeMs > GRACE_MS;
  } catch {
    return false;
  }
}
