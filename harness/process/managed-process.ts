// A server or daemon the harness started (an HTTP server, keepalived), whether it runs attached
// to this process (its output streamed, gone with it) or detached (a cluster left up by `up`:
// it outlives this process and writes only to its log file). One type for both, so the code
// that starts servers never asks which: readiness by a printed line, its last words, whether
// it still runs, a stop that ends in SIGKILL, and an error of its own when it exits early.
import { readFile } from 'node:fs/promises';
import { AbortError } from 'p-retry';
import { ProcessExitedEarlyError } from './command-error.js';
import type { ProcessRunner } from './process-runner.js';
import type { RunningProcess } from './running-process.js';
import { stopPid } from './stop-pid.js';
import { waitFor } from './wait-for.js';

export interface ManagedProcessOptions {
  netns?: string;
  /** As RunOptions.sysfs: a daemon that is not the harness's own (keepalived, a configurator). */
  sysfs?: boolean;
  /** As SpawnOptions.entersItself: the HTTP server, which enters its namespace with setns. */
  entersItself?: boolean;
  /** How messages name it: "HTTP server on web1". */
  label: string;
  logFile: string;
  detached?: boolean;
  /** On top of this process's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** How a line of its output reads in its last words (keepalived's without their dates). */
  formatLine?: (line: string) => string;
}

export interface ManagedProcess {
  readonly label: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Subscribes to its output lines; a detached process's go to its log file only, so none arrive. */
  onLine(listener: (line: string) => void): () => void;
  /** Its last lines of output. */
  lastWords(lines?: number): Promise<string>;
  /** Resolves when it prints a matching line; fails at once with ProcessExitedEarlyError if it exits first. */
  waitForLine(pattern: RegExp, options: { timeoutMs: number; awaiting: string }): Promise<void>;
  /** The error for a process that ended while the harness was waiting for `awaiting`. */
  exitedEarlyError(awaiting: string): Promise<ProcessExitedEarlyError>;
  /** Resolves once it has exited, however it ended (after a stop, or a kill from outside). */
  waitForExit(): Promise<void>;
  /** SIGTERM, then SIGKILL after a grace period; harmless once it has exited. */
  stop(): Promise<void>;
}

/** Starts `argv` as a managed process, attached or detached as `options` says. */
export async function startManagedProcess(runner: ProcessRunner, argv: readonly string[], options: ManagedProcessOptions): Promise<ManagedProcess> {
  const { netns, sysfs, entersItself, label, logFile, env, cwd } = options;
  const identity: Identity = { argv, label, netns, formatLine: options.formatLine ?? ((line) => line) };
  if (options.detached) return new DetachedProcess(identity, logFile, await runner.spawnDetached(argv, { netns, sysfs, entersItself, logFile, env, cwd }));
  return new AttachedProcess(identity, runner.spawn(argv, { netns, sysfs, entersItself, label, logFile, env, cwd }));
}

interface Identity {
  argv: readonly string[];
  label: string;
  netns: string | undefined;
  formatLine: (line: string) => string;
}

/** The last non-empty lines of some output, as its process's last words. */
function lastLines(text: string, lines: number, formatLine: (line: string) => string): string {
  return text.split('\n').filter((line) => line.trim() !== '').slice(-lines).map(formatLine).join('\n');
}

function exitedEarly({ argv, netns, label }: Identity, awaiting: string, lastWords: string, exit: { exitCode?: number; signal?: string }): ProcessExitedEarlyError {
  const how = exit.signal ? `was killed by ${exit.signal}` : exit.exitCode !== undefined ? `exited with code ${exit.exitCode}` : 'exited';
  return new ProcessExitedEarlyError({
    argv,
    netns,
    exitCode: exit.exitCode,
    signal: exit.signal,
    stdout: '',
    stderr: lastWords,
    durationMs: 0,
    timedOut: false,
    startError: `${label} ${how} before ${awaiting}`,
  });
}

class AttachedProcess implements ManagedProcess {
  readonly label: string;
  constructor(
    private readonly identity: Identity,
    private readonly process: RunningProcess,
  ) {
    this.label = identity.label;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return this.process.running;
  }

  onLine(listener: (line: string) => void): () => void {
    return this.process.onLine(listener);
  }

  async lastWords(lines = 20): Promise<string> {
    return lastLines(this.process.lastOutput(lines * 2), lines, this.identity.formatLine);
  }

  async waitForLine(pattern: RegExp, options: { timeoutMs: number; awaiting: string }): Promise<void> {
    try {
      await this.process.waitForLine(pattern, options);
    } catch (error) {
      if (!this.process.running) throw await this.exitedEarlyError(options.awaiting);
      throw error;
    }
  }

  async exitedEarlyError(awaiting: string): Promise<ProcessExitedEarlyError> {
    const exit = this.process.running ? {} : await this.process.exited;
    return exitedEarly(this.identity, awaiting, await this.lastWords(), exit);
  }

  async waitForExit(): Promise<void> {
    await this.process.exited;
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}

class DetachedProcess implements ManagedProcess {
  readonly label: string;
  constructor(
    private readonly identity: Identity,
    private readonly logFile: string,
    readonly pid: number,
  ) {
    this.label = identity.label;
  }

  get running(): boolean {
    try {
      process.kill(this.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  onLine(): () => void {
    return () => {};
  }

  async lastWords(lines = 20): Promise<string> {
    return lastLines(await readFile(this.logFile, 'utf8').catch(() => ''), lines, this.identity.formatLine);
  }

  async waitForLine(pattern: RegExp, options: { timeoutMs: number; awaiting: string }): Promise<void> {
    let ended = false;
    try {
      await waitFor(async () => {
        const log = await readFile(this.logFile, 'utf8').catch(() => '');
        if (log.split('\n').some((line) => pattern.test(line))) return;
        // Gone without the line: no point waiting out the bound.
        if (!this.running) throw ((ended = true), new AbortError(`${this.label} exited`));
        throw new Error(log.trim() ? `it printed: ${log.trim().split('\n').slice(-3).join(' / ')}` : 'it printed nothing yet');
      }, options);
    } catch (error) {
      if (ended) throw await this.exitedEarlyError(options.awaiting);
      throw error;
    }
  }

  async exitedEarlyError(awaiting: string): Promise<ProcessExitedEarlyError> {
    // Its exit status is not watched: it was started to outlive this process.
    return exitedEarly(this.identity, awaiting, await this.lastWords(), {});
  }

  async waitForExit(): Promise<void> {
    await waitFor(
      async () => {
        if (this.running) throw new Error(`pid ${this.pid} still runs`);
      },
      { timeoutMs: 10_000, awaiting: `${this.label} (pid ${this.pid}) to exit`, intervalMs: 20 },
    );
  }

  stop(): Promise<void> {
    return stopPid(this.pid, this.label);
  }
}
