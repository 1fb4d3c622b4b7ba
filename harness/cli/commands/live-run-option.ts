// The --run option every command on a live cluster takes, and its help line.
import { openLiveRun, type LiveRun } from '../../cluster/live-run.js';
import { requireRoot } from '../../kernel/choose-kernel.js';

export const runOption = { run: { type: 'string' } } as const;

export const runOptionHelp = `  --run ID      the live run to act on (default: $LVS_HARNESS_RUN, or the only live run)`;

/** The live run the user means; every command on one needs root (its namespaces are root's). */
export function liveRunFrom(values: { run?: string }): Promise<LiveRun> {
  requireRoot();
  return openLiveRun(values.run);
}
