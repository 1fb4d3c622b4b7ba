// The one error for a process that failed: it carries what a person needs to see why,
// without rerunning anything (the command, the namespace, exit code or signal, stderr).

export interface CommandFailure {
  argv: readonly string[];
  netns?: string;
  exitCode?: number;
  signal?: string;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** Why it could not even start, e.g. ENOENT for a missing tool. */
  startError?: string;
}

export class CommandError extends Error {
  override name = 'CommandError';
  readonly argv: readonly string[];
  readonly netns?: string;
  readonly exitCode?: number;
  readonly signal?: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;

  constructor(failure: CommandFailure, options?: { cause?: unknown }) {
    super(describeFailure(failure), options);
    this.argv = failure.argv;
    this.netns = failure.netns;
    this.exitCode = failure.exitCode;
    this.signal = failure.signal;
    this.stdout = failure.stdout;
    this.stderr = failure.stderr;
    this.durationMs = failure.durationMs;
  }
}

/** A server or daemon that exited while the harness waited on it: its own kind, so callers can tell it from a command that failed. */
export class ProcessExitedEarlyError extends CommandError {
  override name = 'ProcessExitedEarlyError';
}

/** Quotes an argument vector for display (and for replay scripts), POSIX-shell style. */
export function quoteCommand(argv: readonly string[]): string {
  return argv.map(quoteArgument).join(' ');
}

export function quoteArgument(argument: string): string {
  if (argument !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(argument)) return argument;
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

function describeFailure(failure: CommandFailure): string {
  const where = failure.netns ? ` in namespace ${failure.netns}` : '';
  const how = failure.startError
    ? `could not start (${failure.startError})`
    : failure.timedOut
      ? `timed out after ${failure.durationMs} ms`
      : failure.signal
        ? `was killed by ${failure.signal}`
        : `exited with code ${failure.exitCode}`;
  const stderr = failure.stderr.trim();
  const tail = stderr ? `\n${indent(lastLines(stderr, 20))}` : '';
  return `command${where} ${how}: ${quoteCommand(failure.argv)}${tail}`;
}

function lastLines(text: string, count: number): string {
  return text.split('\n').slice(-count).join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
