// One director's keepalived daemon: started through the ProcessRunner inside the director's
// namespace, its output kept as evidence, stopped gracefully (SIGTERM: it removes its VIP and
// IPVS rules and tells the backups) or crashed on purpose (SIGKILL to each of its processes:
// nothing is cleaned up, as when a director dies). A keepalived that exits while the harness
// waits on it fails the wait at once, with keepalived's own last words.
import { readFile } from 'node:fs/promises';
import { AbortError } from 'p-retry';
import { processesInNamespaces } from '../process/namespace-processes.js';
import { CommandError } from '../process/command-error.js';
import type { ProcessRunner } from '../process/process-runner.js';
import type { RunningProcess } from '../process/running-process.js';
import { stopPid } from '../process/stop-pid.js';
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
    private readonly argv: readonly string[],
    private readonly logFile: string,
    private readonly attached?: RunningProcess,
    readonly pid?: number,
  ) {}

  /** Starts keepalived; readiness is the caller's (the IPVS table, the VIP), not a line. */
  static async spawn(runner: ProcessRunner, options: KeepalivedSpawnOptions): Promise<KeepalivedProcess> {
    const { director, netns, argv, logFile } = options;
    if (options.detached) {
      const pid = await runner.spawnDetached(argv, { netns, logFile });
      return new KeepalivedProcess(director, netns, argv, logFile, undefined, pid);
    }
    const running = runner.spawn(argv, { netns, label: `keepalived on ${director}`, logFile });
    return new KeepalivedProcess(director, netns, argv, logFile, running, running.pid);
  }

  get running(): boolean {
    if (this.attached) return this.attached.running;
    if (this.pid === undefined) return false;
    try {
      process.kill(this.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** Subscribes to keepalived's log lines (date removed); attached processes only. */
  onLine(listener: (line: string) => void): () => void {
    if (!this.attached) return () => {};
    return this.attached.onLine((line) => {
      if (line !== '') listener(withoutLogDate(line));
    });
  }

  /** keepalived's last lines, without dates. */
  async lastWords(lines = LAST_WORDS_LINES): Promise<string> {
    const text = this.attached ? this.attached.lastOutput(lines) : await readFile(this.logFile, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(-lines)
      .map(withoutLogDate)
      .join('\n');
  }

  /** The error for a keepalived that ended while the harness was waiting for something. */
  async exitedError(awaiting: string): Promise<CommandError> {
    const exit = this.attached ? await this.attached.exited : {};
    const how = exit.signal ? `was killed by ${exit.signal}` : exit.exitCode !== undefined ? `exited with code ${exit.exitCode}` : 'exited';
    return new CommandError({
      argv: this.argv,
      netns: this.netns,
      exitCode: exit.exitCode,
      signal: exit.signal,
      stdout: '',
      stderr: await this.lastWords(),
      durationMs: 0,
      timedOut: false,
      startError: `keepalived on ${this.director} ${how} before ${awaiting}`,
    });
  }

  /**
   * SIGTERM: keepalived's own shutdown. SIGKILL: every keepalived process in the namespace at
   * once (the parent and its VRRP and checker children), a crash that leaves the VIP and the
   * IPVS rules where they were.
   */
  async stop(signal: KeepalivedStopSignal = 'SIGTERM'): Promise<void> {
    if (signal === 'SIGTERM') {
      if (this.attached) await this.attached.stop();
      else if (this.pid !== undefined) await stopPid(this.pid, `keepalived on ${this.director}`);
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
    await this.attached?.exited;
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
