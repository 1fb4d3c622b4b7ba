// Runs the lvs-harness command as a user would: a child process, its output and exit code.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { guestKernelsByFolder } from '../../harness/kernel/guest-exchange-garbage.js';
import { GUEST_VARIABLE } from '../../harness/kernel/guest-identity.js';

export const CLI = fileURLToPath(new URL('../../dist/harness/cli/main.js', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  timeoutMs?: number;
  uid?: number;
  env?: Record<string, string>;
  /** A command that runs the CLI's command line given after it (e.g. in a mount namespace of its own). */
  wrapper?: readonly string[];
}

/** The compiled CLI (scripts/setup.sh builds it) with these arguments. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const [file, ...rest] = [...(options.wrapper ?? []), process.execPath, CLI, ...args] as [string, ...string[]];
  const result = await execa(file, rest, {
    reject: false,
    timeout: options.timeoutMs ?? 120_000,
    uid: options.uid,
    gid: options.uid,
    env: options.env,
    extendEnv: options.env === undefined,
    stdin: 'ignore',
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/**
 * This process's environment without the guest marker: inside User-Mode Linux, the command
 * then behaves as on any kernel that can host a cluster (up returns and leaves it running).
 */
export function asOnACapableHost(): Record<string, string> {
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  delete env[GUEST_VARIABLE];
  return env;
}

/**
 * Host processes of User-Mode Linux kernels the harness booted whose run is over: their
 * command line names an exchange folder that no longer exists. (Kernels of runs still going,
 * another test's or another user's, keep theirs.)
 */
export async function orphanedUmlProcesses(): Promise<string[]> {
  const kernels = await guestKernelsByFolder();
  return [...kernels].filter(([folder]) => !existsSync(folder)).flatMap(([folder, pids]) => pids.map((pid) => `${pid}: User-Mode Linux for ${folder}, which is gone`));
}
