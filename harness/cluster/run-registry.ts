// A record per run, written before the run makes anything, so that whatever a crashed run
// left behind can be told from what a live run owns: `gc` removes the first and never the
// second, and `up`'s clusters can be found again by later commands.
import { mkdir, readFile, readdir, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Topology } from '../topology/topology.js';
import { processStartTime } from '../process/process-start-time.js';

export interface RunRecord {
  runId: string;
  /** The process that owns the run; the run is dead when it is gone (unless detached). */
  ownerPid: number;
  /** The owner's start time, so a recycled pid is not mistaken for the owner. */
  ownerStartTime: string;
  /** True for a cluster left running on purpose (`lvs-harness up`): it lives until `down`. */
  detached: boolean;
  createdAt: string;
  topology: Topology;
  namespaces: string[];
  runDir?: string;
}

/** Where records live; LVS_HARNESS_STATE_DIR moves it (tests). */
export function registryFolder(): string {
  return process.env.LVS_HARNESS_STATE_DIR ?? '/run/lvs-harness';
}

/** True when the run's owner still runs, or the run was detached on purpose. */
export function isRunLive(record: RunRecord): boolean {
  return record.detached || processStartTime(record.ownerPid) === record.ownerStartTime;
}

/** Writes (or rewrites) a run's record atomically. */
export async function saveRun(record: RunRecord): Promise<void> {
  const folder = registryFolder();
  await mkdir(folder, { recursive: true });
  const file = join(folder, `${record.runId}.json`);
  await writeFile(`${file}.tmp`, JSON.stringify(record, null, 2));
  await rename(`${file}.tmp`, file);
}

/** A record for a run owned by this process. */
export function ownRunRecord(runId: string, topology: Topology, namespaces: string[]): RunRecord {
  return {
    runId,
    ownerPid: process.pid,
    ownerStartTime: processStartTime(process.pid) ?? '',
    detached: false,
    createdAt: new Date().toISOString(),
    topology,
    namespaces,
  };
}

export async function forgetRun(runId: string): Promise<void> {
  await rm(join(registryFolder(), `${runId}.json`), { force: true });
}

/** Every record; unreadable ones are skipped (a half-written file is not a run). */
export async function listRuns(): Promise<RunRecord[]> {
  const names = await readdir(registryFolder()).catch(() => [] as string[]);
  const records: RunRecord[] = [];
  for (const name of names.filter((entry) => entry.endsWith('.json'))) {
    try {
      records.push(JSON.parse(await readFile(join(registryFolder(), name), 'utf8')) as RunRecord);
    } catch {
      // Not a record.
    }
  }
  return records;
}

/** One run's record, or undefined. */
export async function findRun(runId: string): Promise<RunRecord | undefined> {
  return (await listRuns()).find((record) => record.runId === runId);
}
