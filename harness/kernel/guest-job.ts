// One command run inside a guest kernel, the part every backend shares: an exchange folder on
// the host (the job in; exit status and evidence out), the command encoded so that no shell
// parses it, host paths the guest's /tmp would hide, the environment, and the report of a
// guest that ended without the command's exit status. How a guest boots, and how it reaches
// the host's files, is its backend's (uml-backend.ts).
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packagePath } from '../package-root.js';
import { ensureClusterPrograms } from '../native/native-programs.js';
import { UndoStack } from '../process/undo-stack.js';
import { modulesToLoad } from './kernel-modules.js';
import { commandStatus, describeGuestEnd, diedBeforeCommand, type GuestConsoleReport, type GuestEnd } from './guest-end.js';
import { EXCHANGE_ROOT, writeExchangeOwner } from './guest-exchange-garbage.js';
import { GuestConsole, type GuestConsoleOutput } from './guest-console.js';
import { GUEST_VARIABLE } from './guest-identity.js';
import type { BootEnd } from './guest-process.js';

/**
 * What a job shares with the host, declared before the guest boots: a backend that cannot
 * reach host paths once it runs (a virtual machine's shares are fixed at boot) learns them
 * here. The host's root is always readable; everything else of the host is read-only.
 */
export interface GuestShares {
  /** Host files or folders the command reads, made visible even when under /tmp. */
  read?: string[];
  /** Host folders the command may write to. */
  write?: string[];
}

export interface GuestJob extends GuestConsoleOutput {
  argv: readonly string[];
  cwd?: string;
  /** Extra environment for the command; the host's own environment is passed too. */
  env?: Record<string, string>;
  /** The guest kernel to boot (a backend's own kind: a UML binary); default: the backend's. */
  kernel?: string;
  /** Its modules folder (the one named after its release); default: the backend's. */
  modulesDir?: string;
  memoryMb?: number;
  /** The whole run, boot to power-off; past it the guest is reported as hung and killed. */
  timeoutMs?: number;
  shares?: GuestShares;
  /** Boots tried when the kernel dies before the command starts (default 2); a probe, asking whether a boot works at all, takes 1. */
  bootAttempts?: number;
}

export interface GuestRunResult {
  exitCode: number;
  /** Where the guest's LVS_HARNESS_OUTPUT files were kept, when it wrote any. */
  outputDir?: string;
  durationMs: number;
}

/** What a backend is handed to boot one job: the exchange folder is ready, the job's files in it. */
export interface GuestSession {
  job: GuestJob;
  exchange: string;
  interactive: boolean;
  console: GuestConsole;
  undo: UndoStack;
  timeoutMs: number;
  memoryMb: number;
}

/** How a boot ended, with what the backend alone knows (UML: its ptrace fix's report). */
export interface GuestBoot<Extra> {
  end: BootEnd;
  extra: Extra;
  /** The backend's reading of the console's telling lines: what probably killed the guest. */
  likelyCause?: string;
}

/** A way to boot a guest kernel and run a job's init in it; one file each (uml-backend.ts). */
export interface GuestBackend<Extra = object> {
  /** The value of LVS_HARNESS_GUEST inside it, and its name for LVS_HARNESS_KERNEL. */
  name: string;
  /** How messages name it: "User-Mode Linux". */
  label: string;
  boot(session: GuestSession): Promise<GuestBoot<Extra>>;
}

export class GuestError extends Error {
  override name = 'GuestError';
  readonly consoleTail: string;
  constructor(readonly end: GuestEnd, readonly console: GuestConsoleReport, label: string) {
    super(describeGuestEnd(end, console, label));
    this.consoleTail = console.tail;
  }
}

/** A guest kernel that is installed but cannot run a process on this machine (its backend's probe says why). */
export class GuestUnusableError extends Error {
  override name = 'GuestUnusableError';
}

const DEFAULT_TIMEOUT_MS = 60 * 60_000;
const DEFAULT_MEMORY_MB = 2048;

/** Boots the backend's guest, runs the job's command in it, powers off; resolves with the command's exit code. */
export async function runGuestJob<Extra>(backend: GuestBackend<Extra>, job: GuestJob): Promise<GuestRunResult & Extra> {
  const cwd = resolve(job.cwd ?? process.cwd());
  const started = Date.now();
  // Under /var/tmp, not /tmp: the guest's /tmp is its own tmpfs.
  await mkdir(EXCHANGE_ROOT, { recursive: true });
  const exchange = await mkdtemp(join(EXCHANGE_ROOT, 'vm-'));
  // Who made it, first: gc judges a folder by whether its owner still runs.
  await writeExchangeOwner(exchange);
  const outputDir = join(exchange, 'output');
  let keepExchange = false;
  // On SIGINT or SIGTERM the CLI unwinds this: the guest killed, the exchange folder removed.
  const undo = new UndoStack();
  undo.push('remove the exchange folder', async () => {
    if (!keepExchange) await rm(exchange, { recursive: true, force: true });
  });
  try {
    // The guest sees the package read-only: what a cluster runs is built here first. A build
    // that cannot be made is named by the cluster's build inside, where it is needed.
    await ensureClusterPrograms();
    await mkdir(outputDir);
    await copyFile(packagePath('harness', 'kernel', 'guest-job.sh'), join(exchange, 'job.sh'));
    await writeFile(join(exchange, 'cwd'), cwd);
    await writeFile(join(exchange, 'modules'), lines(modulesToLoad()));
    const hidden = pathsHiddenByGuestTmp([cwd, packagePath(), ...(job.shares?.read ?? [])]);
    await writeFile(join(exchange, 'mounts'), lines(hidden.folders));
    await writeFile(join(exchange, 'tmp-files'), lines(hidden.tmpEntries));
    await writeFile(join(exchange, 'rw-mounts'), lines([...new Set(job.shares?.write ?? [])]));
    await writeFile(join(exchange, 'command'), encodeCommand(job.argv, guestEnvironment(backend.name, job.env, outputDir), join(exchange, 'exit-status')));
    const interactive = process.stdin.isTTY === true && job.onConsole === undefined;
    if (interactive) await writeFile(join(exchange, 'interactive'), 'yes');

    const session: GuestSession = {
      job,
      exchange,
      interactive,
      console: new GuestConsole(job, interactive),
      undo,
      timeoutMs: job.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      memoryMb: job.memoryMb ?? DEFAULT_MEMORY_MB,
    };
    // The guest's init writes this file just before it runs the command.
    const commandStarted = () => existsSync(join(exchange, 'started'));
    let boot = await backend.boot(session);
    const attempts = job.bootAttempts ?? 2;
    for (let attempt = 2; attempt <= attempts && diedBeforeCommand(boot.end, commandStarted()); attempt += 1) {
      const how = boot.end.kind === 'killed' ? `was killed by ${boot.end.signal}` : 'panicked';
      session.console.note(`lvs-harness: the ${backend.label} kernel ${how} while booting, before the command started; booting it again (attempt ${attempt} of ${attempts})\n`);
      boot = await backend.boot(session);
    }
    const { end, extra, likelyCause } = boot;
    const statusText = await readFile(join(exchange, 'exit-status'), 'utf8').catch(() => undefined);
    const status = commandStatus(end, end.consoleTail, statusText);
    if (!status) {
      const report = { tail: end.consoleTail, telling: end.telling, cause: likelyCause };
      throw new GuestError(end.kind === 'powered-off' ? { kind: 'no-status', startedCommand: commandStarted() } : end, report, backend.label);
    }
    if (status.killedAfterHalt) {
      session.console.note(`lvs-harness: the ${backend.label} kernel was killed by ${status.killedAfterHalt} after it halted; the command had ended before, with exit status ${status.exitCode}, which stands\n`);
    }
    keepExchange = (await readdir(outputDir)).length > 0;
    return { exitCode: status.exitCode, outputDir: keepExchange ? outputDir : undefined, durationMs: Date.now() - started, ...extra };
  } finally {
    await undo.unwind();
  }
}

/** One entry per line, each ended by a newline (sh's read drops an unterminated last line). */
export function lines(entries: readonly string[]): string {
  return entries.map((entry) => `${entry}\n`).join('');
}

/** The host's environment for the guest, with writable places in the guest's tmpfs. */
function guestEnvironment(backend: string, extra: Record<string, string> | undefined, outputDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) env[name] = value;
  return {
    ...env,
    HOME: '/tmp/home',
    TMPDIR: '/tmp',
    npm_config_cache: '/tmp/npm-cache',
    LVS_HARNESS_VITE_CACHE: '/tmp/vite-cache',
    [GUEST_VARIABLE]: backend,
    LVS_HARNESS_OUTPUT: outputDir,
    ...extra,
  };
}

/**
 * The NUL-separated job for the guest's init: NAME=VALUE pairs for env -i, then a fixed
 * `sh -c` that runs the argv as "$@" and records its status. The argv is never shell text.
 */
export function encodeCommand(argv: readonly string[], env: Record<string, string>, statusFile: string): string {
  const recorder = ['/bin/sh', '-c', 'status_file=$1; shift; "$@"; echo $? > "$status_file"', 'lvs-harness-guest', statusFile];
  const parts = [...Object.entries(env).map(([name, value]) => `${name}=${value}`), ...recorder, ...argv];
  for (const part of parts) if (part.includes('\0')) throw new TypeError(`an argument or variable contains a NUL byte: ${JSON.stringify(part)}`);
  return `${parts.join('\0')}\0`;
}

/**
 * What the guest's /tmp tmpfs would hide: folders below /tmp are mounted again at their path;
 * entries directly in /tmp (a file, or /tmp/x itself) are linked from the host's /tmp, since
 * mounting the host's /tmp over the guest's would take its writable /tmp away.
 */
export function pathsHiddenByGuestTmp(paths: readonly string[]): { folders: string[]; tmpEntries: string[] } {
  const folders = new Set<string>();
  const tmpEntries = new Set<string>();
  for (const path of paths) {
    if (!path.startsWith('/tmp/')) continue;
    const rest = path.slice('/tmp/'.length).replace(/\/+$/, '');
    if (!rest.includes('/')) tmpEntries.add(rest);
    else folders.add(path);
  }
  return { folders: [...folders], tmpEntries: [...tmpEntries] };
}
