// `lvs-harness run -- COMMAND` for a script: the suites of a project that uses the harness run
// in the kernel chosen for clusters (this one when it has IPVS and ipip, else User-Mode Linux)
// exactly as the harness's own do, through the same command, so the choice, its probe cache and
// the guest's handling stay in one place.
import { execa } from 'execa';
import { packagePath } from '../package-root.js';

export interface ChosenKernelOptions {
  /** The guest kernel if it comes to one: a UML binary (`--kernel`). */
  kernel?: string;
  /** Its modules folder (`--modules`). */
  modules?: string;
  /** The guest's memory in MB (`--mem`, default 2048). */
  memoryMb?: number;
  /** Seconds before a guest is killed and reported hung (`--timeout`, default 3600). */
  timeoutSeconds?: number;
  /** Host folders the command writes to, writable inside the guest (`--writable`). */
  writable?: readonly string[];
  /** The folder the command runs in; default this process's. */
  cwd?: string;
}

/**
 * Runs argv in the chosen kernel with this process's terminal and resolves to its exit code
 * (2 when no kernel can host clusters, with the reason on stderr).
 */
export async function runInChosenKernel(argv: readonly string[], options: ChosenKernelOptions = {}): Promise<number> {
  if (argv.length === 0 || argv.some((argument) => typeof argument !== 'string')) throw new TypeError(`runInChosenKernel: argv must be a non-empty list of strings, got ${JSON.stringify(argv)}`);
  const flags: string[] = [];
  if (options.kernel !== undefined) flags.push('--kernel', options.kernel);
  if (options.modules !== undefined) flags.push('--modules', options.modules);
  for (const [flag, value] of [['--mem', options.memoryMb], ['--timeout', options.timeoutSeconds]] as const) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`runInChosenKernel: ${flag === '--mem' ? 'memoryMb' : 'timeoutSeconds'} must be a positive whole number, got ${JSON.stringify(value)}`);
    flags.push(flag, String(value));
  }
  for (const folder of options.writable ?? []) flags.push('--writable', folder);
  const cli = packagePath('dist', 'harness', 'cli', 'main.js');
  const result = await execa(process.execPath, [cli, 'run', ...flags, '--', ...argv], { stdio: 'inherit', reject: false, cwd: options.cwd });
  return result.exitCode ?? 2;
}
