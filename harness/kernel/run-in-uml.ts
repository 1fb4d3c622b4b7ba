// Runs one command inside a User-Mode Linux kernel (Debian's linux.uml): the host's root
// read-only, tmpfs where the guest writes, a read-write exchange folder for the job, its exit
// status and any evidence, the modules from the UML package, and the console streamed out.
// A kernel that panics, hangs or dies is reported as such, with the console's last lines.
import { execa } from 'execa';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packagePath } from '../package-root.js';
import { modulesToLoad } from './kernel-modules.js';
import { describeGuestEnd, type GuestConsoleReport, type GuestEnd } from './guest-end.js';
import { likelyCause, TellingLines, type XstateFixState } from './guest-console-diagnosis.js';
import { ensureXstateFix } from './uml-xstate-fix.js';
import { EXCHANGE_ROOT, writeExchangeOwner } from './guest-exchange-garbage.js';
import { findTool, MissingToolError } from '../process/find-tool.js';
import { ConsoleFilter, InteractiveConsoleFilter } from './console-filter.js';
import { UndoStack } from '../process/undo-stack.js';

export interface UmlRunOptions {
  argv: readonly string[];
  cwd?: string;
  /** Extra environment for the command; the host's own environment is passed too. */
  env?: Record<string, string>;
  /** The UML kernel binary; another one reproduces a bug on the kernel it was reported on. */
  kernel?: string;
  /** Its modules folder (the one named after its release). */
  modulesDir?: string;
  memoryMb?: number;
  /** The whole run, boot to power-off; past it the kernel is reported as hung and killed. */
  timeoutMs?: number;
  /** Receives the console as it comes; defaults to this process's stdout. */
  onConsole?: (text: string) => void;
  /** Host files or folders the command reads, made visible inside even when under /tmp. */
  extraMounts?: string[];
  /** Host folders the command may write to (everything else of the host is read-only). */
  writableFolders?: string[];
}

export interface UmlRunResult {
  exitCode: number;
  /** Where the guest's LVS_HARNESS_OUTPUT files were kept, when it wrote any. */
  outputDir?: string;
  durationMs: number;
  xstateFix: XstateFixReport;
}

/** The ptrace fix for large XSAVE states (uml-xstate-fix.c): whether it was preloaded and whether it had to act. */
export interface XstateFixReport extends XstateFixState {
  /** It widened a register restore: without it, this host would have killed the guest's processes. */
  needed: boolean;
  /** What it reported when it acted: UML's buffer and the host kernel's full size. */
  detail?: string;
}

export class GuestError extends Error {
  override name = 'GuestError';
  readonly consoleTail: string;
  constructor(readonly end: GuestEnd, readonly console: GuestConsoleReport) {
    super(describeGuestEnd(end, console));
    this.consoleTail = console.tail;
  }
}

export const DEFAULT_UML_KERNEL = '/usr/bin/linux.uml';
/** The file in the exchange folder where the preloaded ptrace fix says that it acted. */
const XSTATE_REPORT = 'xstate-fix';
const CONSOLE_TAIL_LINES = 40;

/** Boots the kernel, runs the command in it, powers off; resolves with the command's exit code. */
export async function runInUml(options: UmlRunOptions): Promise<UmlRunResult> {
  const kernel = options.kernel ?? findTool('linux.uml') ?? DEFAULT_UML_KERNEL;
  if (!existsSync(kernel)) throw new MissingToolError(`no User-Mode Linux kernel at ${kernel}: install Debian's user-mode-linux package (apt-get install -y user-mode-linux kmod)`);
  const modulesDir = options.modulesDir ?? (await defaultModulesDir(kernel));
  const cwd = resolve(options.cwd ?? process.cwd());
  const started = Date.now();

  // Under /var/tmp, not /tmp: the guest's /tmp is its own tmpfs.
  await mkdir(EXCHANGE_ROOT, { recursive: true });
  const exchange = await mkdtemp(join(EXCHANGE_ROOT, 'vm-'));
  // Who made it, first: gc judges a folder by whether its owner still runs.
  await writeExchangeOwner(exchange);
  const outputDir = join(exchange, 'output');
  let keepExchange = false;
  // On SIGINT or SIGTERM the CLI unwinds this: the kernel killed, the exchange folder removed.
  const undo = new UndoStack();
  undo.push('remove the exchange folder', async () => {
    if (!keepExchange) await rm(exchange, { recursive: true, force: true });
  });
  try {
    await mkdir(outputDir);
    await copyFile(packagePath('harness', 'kernel', 'guest-init.sh'), join(exchange, 'init.sh'));
    await writeFile(join(exchange, 'cwd'), cwd);
    await writeFile(join(exchange, 'modules-dir'), modulesDir);
    await writeFile(join(exchange, 'modules'), lines(modulesToLoad()));
    const hidden = pathsHiddenByGuestTmp([cwd, packagePath(), ...(options.extraMounts ?? [])]);
    await writeFile(join(exchange, 'mounts'), lines(hidden.folders));
    await writeFile(join(exchange, 'tmp-files'), lines(hidden.tmpEntries));
    await writeFile(join(exchange, 'rw-mounts'), lines([...new Set(options.writableFolders ?? [])]));
    await writeFile(join(exchange, 'command'), encodeCommand(options.argv, guestEnvironment(options.env, outputDir), join(exchange, 'exit-status')));

    const interactive = process.stdin.isTTY === true && options.onConsole === undefined;
    if (interactive) await writeFile(join(exchange, 'interactive'), 'yes');
    const fixBuild = await ensureXstateFix();
    const preload = 'path' in fixBuild ? fixBuild.path : undefined;
    const end = await bootAndWait(kernel, exchange, interactive, options, undo, preload);
    const fixReport = (await readFile(join(exchange, XSTATE_REPORT), 'utf8').catch(() => '')).trim();
    const xstateFix: XstateFixReport = {
      used: preload !== undefined,
      needed: fixReport !== '',
      ...('unavailable' in fixBuild ? { unavailable: fixBuild.unavailable } : {}),
      ...(fixReport ? { detail: fixReport } : {}),
    };
    const statusText = await readFile(join(exchange, 'exit-status'), 'utf8').catch(() => undefined);
    if (end.kind !== 'powered-off' || statusText === undefined) {
      const startedCommand = existsSync(join(exchange, 'started'));
      const report = { tail: end.consoleTail, telling: end.telling, cause: likelyCause(end.telling, xstateFix) };
      throw new GuestError(end.kind === 'powered-off' ? { kind: 'no-status', startedCommand } : end, report);
    }
    keepExchange = (await readdir(outputDir)).length > 0;
    return { exitCode: Number(statusText.trim()), outputDir: keepExchange ? outputDir : undefined, durationMs: Date.now() - started, xstateFix };
  } finally {
    await undo.unwind();
  }
}

/** One entry per line, each ended by a newline (sh's read drops an unterminated last line). */
function lines(entries: readonly string[]): string {
  return entries.map((entry) => `${entry}\n`).join('');
}

/** The modules folder matching the kernel's release, from the UML package. */
async function defaultModulesDir(kernel: string): Promise<string> {
  const { stdout } = await execa(kernel, ['--version'], { reject: false, timeout: 10_000 });
  const release = stdout.trim().split('\n')[0] ?? '';
  const folder = `/usr/lib/uml/modules/${release}`;
  if (!release || !existsSync(folder)) {
    throw new MissingToolError(`no modules for the UML kernel ${kernel} (release ${JSON.stringify(release)}) under /usr/lib/uml/modules; pass --modules DIR`);
  }
  return folder;
}

/** The host's environment for the guest, with writable places in the guest's tmpfs. */
function guestEnvironment(extra: Record<string, string> | undefined, outputDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) env[name] = value;
  return {
    ...env,
    HOME: '/tmp/home',
    TMPDIR: '/tmp',
    npm_config_cache: '/tmp/npm-cache',
    LVS_HARNESS_VITE_CACHE: '/tmp/vite-cache',
    LVS_HARNESS_GUEST: '1',
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

type BootEnd = GuestEnd & { consoleTail: string; telling: string[] };

async function bootAndWait(kernel: string, exchange: string, interactive: boolean, options: UmlRunOptions, undo: UndoStack, preload: string | undefined): Promise<BootEnd> {
  const args = [
    `mem=${options.memoryMb ?? 2048}M`,
    'root=/dev/root', 'rootfstype=hostfs', 'rootflags=/', 'ro',
    `init=${join(exchange, 'init.sh')}`,
    'quiet',
    'con=null',
    interactive ? 'con0=fd:0,fd:1' : 'con0=null,fd:1',
    // The guest's tty1 is the command's stderr, streamed to ours.
    'con1=null,fd:2',
    `lvsh_exchange=${exchange}`,
  ];
  // Its own process group: UML runs as several host processes, and all must die with it.
  const child = execa(kernel, args, {
    detached: true,
    stdin: interactive ? 'inherit' : 'ignore',
    buffer: false,
    reject: false,
    env: { ...process.env, TMPDIR: '/dev/shm', ...preloadEnvironment(preload, join(exchange, XSTATE_REPORT)) },
  });
  const tail: string[] = [];
  const write = options.onConsole ?? ((text: string) => process.stdout.write(text));
  const writeError = options.onConsole ?? ((text: string) => process.stderr.write(text));
  // An interactive session (a shell) needs its prompt as it comes, not line by line.
  const filter = interactive ? new InteractiveConsoleFilter(write) : new ConsoleFilter(write);
  const telling = new TellingLines();
  const remember = (chunk: string) => {
    telling.accept(chunk);
    tail.push(...chunk.split(/\r?\n/));
    if (tail.length > CONSOLE_TAIL_LINES * 2) tail.splice(0, tail.length - CONSOLE_TAIL_LINES);
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    filter.accept(chunk);
    remember(chunk);
  });
  // UML's own stderr carries the guest's second console (the command's stderr) and, before
  // the command starts, UML's start-up chatter.
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    if (filter.commandStarted) writeError(chunk.replace(/\r\n/g, '\n'));
    remember(chunk);
  });

  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  let hung = false;
  const timeoutMs = options.timeoutMs ?? 60 * 60_000;
  const timer = setTimeout(() => {
    hung = true;
    killGroup();
  }, timeoutMs);
  // UML runs as a process group; when its main process dies (killed, panicked), the rest of
  // the group would keep our pipes open forever.
  child.on('exit', killGroup);
  undo.push('kill the User-Mode Linux kernel', async () => {
    killGroup();
    await child;
  });
  try {
    const result = await child;
    const consoleTail = tail.slice(-CONSOLE_TAIL_LINES).join('\n');
    const seen = { consoleTail, telling: telling.all() };
    if (hung) return { kind: 'hung', timeoutMs, ...seen };
    // A panic's own line may have scrolled out of the tail behind its stack trace.
    if (/Kernel panic/.test(consoleTail) || seen.telling.some((line) => line.includes('Kernel panic'))) return { kind: 'panicked', ...seen };
    if (result.signal) return { kind: 'killed', signal: result.signal, ...seen };
    return { kind: 'powered-off', ...seen };
  } finally {
    clearTimeout(timer);
    killGroup();
  }
}

/**
 * The environment that preloads the ptrace fix into linux.uml, and into nothing else: the
 * guest's processes get their environment from the guest, not from this one.
 */
function preloadEnvironment(preload: string | undefined, reportFile: string): Record<string, string> {
  if (!preload) return {};
  const already = process.env.LD_PRELOAD;
  return { LD_PRELOAD: already ? `${preload}:${already}` : preload, LVS_HARNESS_XSTATE_REPORT: reportFile };
}
