// A long-lived process the harness started: readiness by what it prints (never a sleep),
// and a stop that is idempotent and ends in SIGKILL if SIGTERM is not enough.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { ResultPromise } from 'execa';
import { ProcessExitedEarlyError } from './command-error.js';

export interface RunningProcessInfo {
  argv: readonly string[];
  netns?: string;
  label: string;
  logFile?: string;
}

const KEPT_OUTPUT_LINES = 200;

export class RunningProcess {
  readonly pid: number | undefined;
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<{ exitCode?: number; signal?: string }>;
  private readonly recentLines: string[] = [];
  private readonly lineListeners = new Set<(line: string) => void>();
  private readonly log?: WriteStream;
  private hasExited = false;
  private stopping?: Promise<void>;

  constructor(
    private readonly child: ResultPromise,
    readonly info: RunningProcessInfo,
  ) {
    this.pid = child.pid;
    if (info.logFile) this.log = createWriteStream(info.logFile, { flags: 'a' });
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        this.log?.write(chunk);
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) this.acceptLine(line);
      });
    }
    this.exited = child.then((result) => {
      this.hasExited = true;
      this.log?.end();
      for (const listener of this.lineListeners) listener('');
      return { exitCode: result.exitCode, signal: result.signal ?? undefined };
    });
  }

  get running(): boolean {
    return !this.hasExited;
  }

  /** The process's standard input, for line protocols. */
  get stdin(): NodeJS.WritableStream {
    if (!this.child.stdin) throw new Error(`${this.info.label} was not started with an open stdin`);
    return this.child.stdin;
  }

  /** Subscribes to output lines; returns the unsubscribe function. */
  onLine(listener: (line: string) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  /** The last lines the process printed, for error messages. */
  lastOutput(lines = 20): string {
    return this.recentLines.slice(-lines).join('\n');
  }

  /** Waits until the process prints a matching line; fails at once if it exits first. */
  waitForLine(pattern: RegExp, options: { timeoutMs: number; awaiting: string }): Promise<string> {
    const seen = this.recentLines.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        unsubscribe();
        outcome();
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.awaiting}${this.outputSuffix()}`))),
        options.timeoutMs,
      );
      const unsubscribe = this.onLine((line) => {
        if (pattern.test(line)) finish(() => resolve(line));
        else if (this.hasExited) finish(() => reject(this.exitedEarlyError(options.awaiting)));
      });
      if (this.hasExited) finish(() => reject(this.exitedEarlyError(options.awaiting)));
    });
  }

  /** SIGTERM, then SIGKILL after the grace period; calling it again waits for the same stop. */
  stop(graceMs = 3_000): Promise<void> {
    this.stopping ??= (async () => {
      if (this.hasExited) return;
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(killer);
    })();
    return this.stopping;
  }

  private acceptLine(line: string): void {
    this.recentLines.push(line);
    if (this.recentLines.length > KEPT_OUTPUT_LINES) this.recentLines.shift();
    for (const listener of this.lineListeners) listener(line);
  }

  private exitedEarlyError(awaiting: string): ProcessExitedEarlyError {
    return new ProcessExitedEarlyError({
      argv: this.info.argv,
      netns: this.info.netns,
      stdout: '',
      stderr: this.lastOutput(),
      durationMs: 0,
      timedOut: false,
      exitCode: undefined,
      startError: `${this.info.label} exited before ${awaiting}`,
    });
  }

  private outputSuffix(): string {
    const output = this.lastOutput(10);
    return output ? `; ${this.info.label} printed:\n${output}` : `; ${this.info.label} printed nothing`;
  }
}
