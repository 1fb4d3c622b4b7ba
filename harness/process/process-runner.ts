// The one way the harness runs a process: an argument vector (never a shell string), an
// optional namespace, every run journaled, every failure a CommandError.
import { execa } from 'execa';
import { CommandError } from './command-error.js';
import { CommandJournal } from './command-journal.js';
import { RunningProcess } from './running-process.js';

export interface RunOptions {
  /** Run inside this network namespace (through `ip netns exec`). */
  netns?: string;
  /** Written to the command's standard input, e.g. an `ip -batch -` script. */
  input?: string;
  timeoutMs?: number;
  /** Resolve with the result instead of throwing when the command fails. */
  allowFailure?: boolean;
  env?: Record<string, string>;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface SpawnOptions {
  netns?: string;
  /** A short name for messages, e.g. "HTTP server on web1". */
  label: string;
  /** Where the process's output is written as it comes, for evidence. */
  logFile?: string;
  env?: Record<string, string>;
  /** Keep stdin open for a line protocol (the client agent). */
  interactive?: boolean;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export class ProcessRunner {
  constructor(readonly journal = new CommandJournal()) {}

  /** Runs a command to completion. */
  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const fullArgv = inNamespace(argv, options.netns);
    const [file, ...args] = fullArgv as [string, ...string[]];
    const entry = this.journal.record({ argv: fullArgv, input: options.input, background: false, startedAt: Date.now() });
    const result = await execa(file, args, {
      input: options.input,
      stdin: options.input === undefined ? 'ignore' : undefined,
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      reject: false,
      env: options.env,
      stripFinalNewline: false,
    });
    entry.durationMs = Date.now() - entry.startedAt;
    entry.exitCode = result.exitCode;
    const stdout = String(result.stdout ?? '');
    const stderr = String(result.stderr ?? '');
    // A command that could not start (a missing tool) is an error even when failure is allowed.
    const couldNotStart = result.exitCode === undefined && !result.timedOut && !result.signal;
    if (result.failed && (!options.allowFailure || couldNotStart)) {
      throw new CommandError({
        argv: fullArgv,
        netns: options.netns,
        exitCode: result.exitCode,
        signal: result.signal ?? undefined,
        stdout,
        stderr,
        durationMs: entry.durationMs,
        timedOut: result.timedOut,
        startError: couldNotStart ? result.shortMessage : undefined,
      });
    }
    return { exitCode: result.exitCode ?? -1, stdout, stderr, durationMs: entry.durationMs };
  }

  /** Starts a long-lived process (a server, an agent); the caller owns stopping it. */
  spawn(argv: readonly string[], options: SpawnOptions): RunningProcess {
    const fullArgv = inNamespace(argv, options.netns);
    const [file, ...args] = fullArgv as [string, ...string[]];
    this.journal.record({ argv: fullArgv, background: true, startedAt: Date.now() });
    const child = execa(file, args, {
      stdin: options.interactive ? 'pipe' : 'ignore',
      buffer: false,
      reject: false,
      env: options.env,
    });
    return new RunningProcess(child, { argv: fullArgv, netns: options.netns, label: options.label, logFile: options.logFile });
  }
}

/** Wraps a command so it runs inside a namespace; no shell is involved. */
export function inNamespace(argv: readonly string[], netns: string | undefined): readonly string[] {
  return netns ? ['ip', 'netns', 'exec', netns, ...argv] : argv;
}
