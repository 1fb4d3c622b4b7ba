// A cluster another command left up, found again by its record: what `request`, `status`,
// `exec`, `capture`, `doctor`, `bundle` and `down` work on.
import { rm } from 'node:fs/promises';
import { ProcessRunner } from '../process/process-runner.js';
import { allNamespaces, planCluster, type ClusterPlan } from '../plan/cluster-plan.js';
import { removeNamespaces } from './remove-namespaces.js';
import { forgetRun, isRunLive, listRuns, registryFolder, type RunRecord } from './run-registry.js';

export interface LiveRun {
  record: RunRecord;
  plan: ClusterPlan;
  runner: ProcessRunner;
}

export class NoSuchRunError extends Error {
  override name = 'NoSuchRunError';
}

/** The live run with this id, or the only live run when no id is given. */
export async function openLiveRun(runId?: string): Promise<LiveRun> {
  const live = (await listRuns()).filter(isRunLive);
  const wanted = runId ?? process.env.LVS_HARNESS_RUN;
  const candidates = wanted ? live.filter((record) => record.runId === wanted) : live;
  if (candidates.length === 0) {
    throw new NoSuchRunError(
      wanted
        ? `no live run ${wanted} (live runs: ${live.map((record) => record.runId).join(', ') || 'none'}; records are in ${registryFolder()})`
        : `no live cluster: start one with lvs-harness up FILE`,
    );
  }
  if (candidates.length > 1) {
    throw new NoSuchRunError(`${candidates.length} live runs (${candidates.map((record) => `${record.runId} ${record.topology.name}`).join(', ')}): choose one with --run ID`);
  }
  const record = candidates[0]!;
  return { record, plan: planCluster(record.topology, record.runId), runner: new ProcessRunner() };
}

/** Removes a run completely: processes, namespaces, run folder, record. */
export async function stopRun(run: LiveRun): Promise<void> {
  await removeNamespaces(run.runner, allNamespaces(run.plan));
  if (run.record.runDir) await rm(run.record.runDir, { recursive: true, force: true });
  await forgetRun(run.record.runId);
}
