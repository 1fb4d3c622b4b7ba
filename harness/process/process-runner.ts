// The one way the harness runs a process: an argument vector (never a shell string), an
// optional namespace, every run journaled, every failure a CommandError.
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { execa } from 'execa';
import { CommandError } from './command-error.js';
import { CommandJournal } from './command-journal.js';
import { RunningProcess } from './running-process.js';

export interface RunOptions {
  /** Run inside this network namespace (see inNamespace for how it is entered). */
  netns?: string;
  /** Give it the namespace's own /sys as well (`ip netns exec`): for commands that are not the harness's own. */
  sysfs?: boolean;
  /** Written to the command's standard input, e.g. an `ip -batch -` script. */
  input?: string;
  timeoutMs?: number;
  /** Resolve with the result instead of throwing when the command fails. */
  allowFailure?: boolean;
  env?: Record<string, string>;
  /** The folder it runs in (a user's configurator runs beside its topology file). */
  cwd?: string;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface SpawnOptions {
  netns?: string;
  /** As RunOptions.sysfs. */
  sysfs?: boolean;
  /** The program enters `netns` itself (its argv says so): it is named in messages, not wrapped. */
  entersItself?: boolean;
  /** A short name for messages, e.g. "HTTP server on web1". */
  label: string;
  /** Where the process's output is written as it comes, for evidence. */
  logFile?: string;
  env?: Record<string, string>;
  cwd?: string;
  /** Keep stdin open for a line protocol (the client agent). */
  interactive?: boolean;
}

const DEFAULT_TIMEOUT_MS = 60_000;

let interactiveChildren = 0;

/** True while a command owns the terminal: Ctrl-C is then the command's, not ours. */
export function terminalHandedToChild(): boolean {
  return interactiveChildren > 0;
}

export class ProcessRunner {
  constructor(readonly journal = new CommandJournal()) {}

  /** Runs a command to completion. */
  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const fullArgv = inNamespace(argv, options.netns, options.sysfs);
    const [file, ...args] = fullArgv as [string, ...string[]];
    const entry = this.journal.record({ argv: fullArgv, input: options.input, background: false, startedAt: Date.now() });
    const result = await execa(file, args, {
      input: options.input,
      stdin: options.input === undefined ? 'ignore' : undefined,
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      reject: false,
      env: options.env,
      cwd: options.cwd,
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

  /**
   * Starts a process that outlives this one (a server of a cluster left up): its own session,
   * output to a file, no pipes back to us. Resolves with its pid.
   */
  async spawnDetached(argv: readonly string[], options: { netns?: string; sysfs?: boolean; entersItself?: boolean; logFile: string; env?: Record<string, string>; cwd?: string }): Promise<number> {
    const fullArgv = options.entersItself ? argv : inNamespace(argv, options.netns, options.sysfs);
    const [file, ...args] = fullArgv as [string, ...string[]];
    this.journal.record({ argv: fullArgv, background: true, startedAt: Date.now() });
    const log = await open(options.logFile, 'a');
    try {
      const child = spawn(file, args, { detached: true, stdio: ['ignore', log.fd, log.fd], env: { ...process.env, ...options.env }, cwd: options.cwd });
      const pid = await new Promise<number>((resolve, reject) => {
        child.once('spawn', () => resolve(child.pid!));
        child.once('error', (error) =>
          reject(new CommandError({ argv: fullArgv, netns: options.netns, stdout: '', stderr: '', durationMs: 0, timedOut: false, startError: error.message })),
        );
      });
      child.unref();
      return pid;
    } finally {
      await log.close();
    }
  }

  /** Runs a command with the terminal (stdin, stdout, stderr) handed to it; resolves with its exit code. */
  async runInteractive(argv: readonly string[], options: { netns?: string; env?: Record<string, string> } = {}): Promise<number> {
    // A person's command: it may look at /sys/class/net, so the namespace's own /sys too.
    const fullArgv = inNamespace(argv, options.netns, true);
    const [file, ...args] = fullArgv as [string, ...string[]];
    const entry = this.journal.record({ argv: fullArgv, background: false, startedAt: Date.now() });
    interactiveChildren += 1;
    const result = await execa(file, args, { stdio: 'inherit', reject: false, env: options.env }).finally(() => (interactiveChildren -= 1));
    entry.durationMs = Date.now() - entry.startedAt;
    entry.exitCode = result.exitCode;
    if (result.exitCode === undefined && !result.signal) {
      throw new CommandError({ argv: fullArgv, netns: options.netns, stdout: '', stderr: '', durationMs: entry.durationMs, timedOut: false, startError: result.shortMessage });
    }
    return result.exitCode ?? 128;
  }

  /** Starts a long-lived process (a server, an agent); the caller owns stopping it. */
  spawn(argv: readonly string[], options: SpawnOptions): RunningProcess {
    const fullArgv = options.entersItself ? argv : inNamespace(argv, options.netns, options.sysfs);
    const [file, ...args] = fullArgv as [string, ...string[]];
    this.journal.record({ argv: fullArgv, background: true, startedAt: Date.now() });
    const child = execa(file, args, {
      stdin: options.interactive ? 'pipe' : 'ignore',
      buffer: false,
      reject: false,
      env: options.env,
      cwd: options.cwd,
    });
    return new RunningProcess(child, { argv: fullArgv, netns: options.netns, label: options.label, logFile: options.logFile });
  }
}

/**
 * Wraps a command so it runs inside a namespace; no shell is involved. The harness's own tools
 * (ip, sysctl, ipvsadm, tcpdump, its agents) need only the network namespace, and `nsenter
 * --net` gives just that: /proc/sys/net and every socket follow it. `ip netns exec` also makes
 * a mount namespace and mounts a /sys of the namespace's devices, which a configurator, a
 * daemon or a person's command may read, so it is kept for them (`sysfs`); the harness's own
 * processes are spared that work, each a round of mount calls through User-Mode Linux.
 */
export function inNamespace(argv: readonly string[], netns: string | undefined, sysfs = false): readonly string[] {
  if (!netns) return argv;
  return sysfs ? ['ip', 'netns', 'exec', netns, ...argv] : ['nsenter', `--net=${namespaceFile(netns)}`, '--', ...argv];
}

/** The file `ip netns add` binds a named network namespace to: what nsenter and setns open. */
export function namespaceFile(netns: string): string {
  return `/run/netns/${netns}`;
}
