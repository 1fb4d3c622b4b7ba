// One director's keepalived daemon: started through the ProcessRunner inside the director's
// namespace, its output kept as evidence, stopped gracefully (SIGTERM: it removes its VIP and
// IPVS rules and tells the backups) or crashed on purpose (SIGKILL to each of its processes:
// nothing is cleaned up, as when a director dies). A keepalived that exits while the harness
// waits on it fails the wait at once, with keepalived's own last words.
import { readFile } from 'node:fs/promises';
import { AbortError } from 'p-retry';
import { processesInNamespaces } from '../process/namespace-processes.js';
import { ProcessExitedEarlyError } from '../process/command-error.js';
import { startManagedProcess, type ManagedProcess } from '../process/managed-process.js';
import type { ProcessRunner } from '../process/process-runner.js';
import { waitFor } from '../process/wait-for.js';
import { withoutLogDate } from './keepalived-command.js';

export type KeepalivedStopSignal = 'SIGTERM' | 'SIGKILL';

export interface KeepalivedSpawnOptions {
  director: string;
  /** The director's namespace; none only where a test runs a stand-in for keepalived. */
  netns?: string;
  argv: readonly string[];
  logFile: string;
  /** Outlives this process (a cluster left up): output goes to the log file only. */
  detached?: boolean;
}

const LAST_WORDS_LINES = 15;

export class KeepalivedProcess {
  private constructor(
    readonly director: string,
    readonly netns: string | undefined,
    private readonly daemon: ManagedProcess,
  ) {}

  /** Starts keepalived; readiness is the caller's (the IPVS table, the VIP), not a line. */
  static async spawn(runner: ProcessRunner, options: KeepalivedSpawnOptions): Promise<KeepalivedProcess> {
    const { director, netns, argv, logFile, detached } = options;
    return new KeepalivedProcess(director, netns, await startManagedProcess(runner, argv, { netns, sysfs: true, label: `keepalived on ${director}`, logFile, detached, formatLine: withoutLogDate }));
  }

  get pid(): number | undefined {
    return this.daemon.pid;
  }

  get running(): boolean {
    return this.daemon.running;
  }

  /** Subscribes to keepalived's log lines (date removed); attached processes only. */
  onLine(listener: (line: string) => void): () => void {
    return this.daemon.onLine((line) => {
      if (line !== '') listener(withoutLogDate(line));
    });
  }

  /** keepalived's last lines, without dates. */
  lastWords(lines = LAST_WORDS_LINES): Promise<string> {
    return this.daemon.lastWords(lines);
  }

  /** The error for a keepalived that ended while the harness was waiting for something, with its last words. */
  exitedError(awaiting: string): Promise<ProcessExitedEarlyError> {
    return this.daemon.exitedEarlyError(awaiting);
  }

  /**
   * SIGTERM: keepalived's own shutdown. SIGKILL: every keepalived process in the namespace at
   * once (the parent and its VRRP and checker children), a crash that leaves the VIP and the
   * IPVS rules where they were.
   */
  async stop(signal: KeepalivedStopSignal = 'SIGTERM'): Promise<void> {
    if (signal === 'SIGTERM') {
      await this.daemon.stop();
      return;
    }
    await waitFor(
      async () => {
        const pids = this.netns ? await keepalivedPidsIn(this.netns) : this.running && this.pid !== undefined ? [this.pid] : [];
        // Frozen first, all of them: a child whose parent dies gets SIGTERM (keepalived asks the
        // kernel for that) and would shut down cleanly, and a parent whose child dies respawns it.
        for (const signal of ['SIGSTOP', 'SIGKILL'] as const) {
          for (const pid of pids) {
            try {
              process.kill(pid, signal);
            } catch {
              // Already gone.
            }
          }
        }
        if (pids.length > 0) throw new Error(`keepalived processes still running: ${pids.join(', ')}`);
      },
      { timeoutMs: 5_000, awaiting: `every keepalived process on ${this.director} to exit after SIGKILL`, intervalMs: 10 },
    );
    await this.daemon.waitForExit();
  }
}

/** The pids of keepalived processes (by command name) inside a namespace. */
export async function keepalivedPidsIn(netns: string): Promise<number[]> {
  const pids = (await processesInNamespaces([netns])).get(netns) ?? [];
  const named = await Promise.all(
    pids.map(async (pid) => ((await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim() === 'keepalived' ? pid : undefined)),
  );
  return named.filter((pid): pid is number => pid !== undefined);
}

/**
 * Polls `attempt` like waitFor, but fails at once, with keepalived's own words, if one of the
 * daemons it depends on exits meanwhile.
 */
export async function waitWhileKeepalivedRuns<T>(
  daemons: readonly KeepalivedProcess[],
  attempt: () => Promise<T>,
  options: { timeoutMs: number; awaiting: string },
): Promise<T> {
  let ended: KeepalivedProcess | undefined;
  try {
    return await waitFor(async () => {
      ended = daemons.find((daemon) => !daemon.running);
      // Ends the wait now; the catch below replaces it with keepalived's own words.
      if (ended) throw new AbortError(`keepalived on ${ended.director} exited`);
      return attempt();
    }, options);
  } catch (error) {
    if (ended) throw await ended.exitedError(options.awaiting);
    throw error;
  }
}
