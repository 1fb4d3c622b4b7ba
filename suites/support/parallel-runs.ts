// The suite's side of suites/support/parallel-worker.mjs: start workers as separate processes,
// collect the JSON lines they print, tell them "go", and make sure the compiled harness they
// import is not older than its sources.
import { execa, type ResultPromise } from 'execa';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../harness/library/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WORKER = join(ROOT, 'suites', 'support', 'parallel-worker.mjs');

export interface WorkerEvent {
  event: 'built' | 'result' | 'stopped' | 'error';
  pid: number;
  at: number;
  runId?: string;
  namespaces?: string[];
  seenNamespaces?: string[];
  buildMs?: number;
  trafficStartedAt?: number;
  tunContract?: { property: string; ok: boolean; message: string };
  roundRobin?: { property: string; ok: boolean; message: string };
  agentPorts?: Array<number | undefined>;
  judgedConnections?: string[];
  answeredBy?: string[];
  clientAddress?: string;
  message?: string;
}

export class ParallelWorker {
  readonly events: WorkerEvent[] = [];
  private output = '';
  private ended = false;
  readonly done: Promise<{ exitCode?: number; signal?: string }>;

  private constructor(
    readonly index: number,
    private readonly child: ResultPromise,
  ) {
    let pending = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.accept(line);
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.output = (this.output + chunk).slice(-4_000);
    });
    this.done = child.then((result) => {
      this.ended = true;
      return { exitCode: result.exitCode, signal: result.signal ?? undefined };
    });
  }

  /** Starts one worker; it builds at once and waits for "go" before any traffic. */
  static start(index: number, options: { connections: number; timeoutMs: number; goTimeoutMs: number }): ParallelWorker {
    const child = execa(process.execPath, [WORKER, '--connections', String(options.connections), '--go-timeout-ms', String(options.goTimeoutMs)], {
      cwd: ROOT,
      stdin: 'pipe',
      buffer: false,
      reject: false,
      timeout: options.timeoutMs,
    });
    return new ParallelWorker(index, child);
  }

  get exited(): boolean {
    return this.ended;
  }

  event(kind: WorkerEvent['event']): WorkerEvent | undefined {
    return this.events.find((event) => event.event === kind);
  }

  /** Everything the worker said, for a failure message. */
  describe(): string {
    const lines = this.events.map((event) => JSON.stringify(event)).join('\n    ');
    return `worker ${this.index} (pid ${this.child.pid}):\n    ${lines || '(no events)'}${this.output ? `\n  stderr:\n    ${this.output.trim().split('\n').join('\n    ')}` : ''}`;
  }

  go(): void {
    this.child.stdin!.write('go\n');
  }

  /** Asks the worker to stop (it still tears its cluster down), and kills it if it has not within the bound. */
  async stop(timeoutMs = 60_000): Promise<void> {
    if (this.ended) return;
    this.child.kill('SIGTERM');
    await waitFor(
      async () => {
        if (!this.ended) throw new Error('still running');
      },
      { timeoutMs, awaiting: `worker ${this.index} to tear its cluster down and exit`, maxIntervalMs: 250 },
    ).catch(() => this.child.kill('SIGKILL'));
    await this.done;
  }

  private accept(line: string): void {
    if (!line.startsWith('{')) {
      this.output = `${this.output}${line}\n`.slice(-4_000);
      return;
    }
    this.events.push(JSON.parse(line) as WorkerEvent);
  }
}

/**
 * The harness's sources newer than the compiled files the worker runs (following the worker's
 * relative imports through dist/): a worker would run stale code. Empty when up to date.
 */
export function staleCompiledFiles(entry = WORKER): string[] {
  const stale = new Set<string>();
  const visited = new Set<string>();
  const visit = (file: string): void => {
    if (visited.has(file)) return;
    visited.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+\.js)['"]/g)) {
      const compiled = resolve(dirname(file), match[1]!);
      const source = join(ROOT, relative(join(ROOT, 'dist'), compiled)).replace(/\.js$/, '.ts');
      if (!compiled.startsWith(join(ROOT, 'dist') + sep) || !existsSync(source)) continue;
      if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(source).mtimeMs) {
        stale.add(relative(ROOT, source));
        continue;
      }
      visit(compiled);
    }
  };
  visit(entry);
  return [...stale].sort();
}
