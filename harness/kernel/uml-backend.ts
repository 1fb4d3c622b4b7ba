// The User-Mode Linux backend: Debian's linux.uml, a Linux 6.1 that runs as host processes.
// It boots with the host's root as hostfs (read-only), its init (uml-init.sh) mounts what the
// job shares, the modules come from the UML package, and on CPUs with a large XSAVE state
// (AMX) the harness's ptrace fix is preloaded into it (uml-xstate-fix.c).
import { execa } from 'execa';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../package-root.js';
import { findTool, MissingToolError } from '../process/find-tool.js';
import { likelyCause, type XstateFixState } from './guest-console-diagnosis.js';
import { superviseGuestProcess } from './guest-process.js';
import type { GuestBackend, GuestSession } from './guest-job.js';
import { ensureXstateFix } from './uml-xstate-fix.js';
import { chooseGuestCpu } from './guest-cpu.js';

/** The ptrace fix for large XSAVE states (uml-xstate-fix.c): whether it was preloaded and whether it had to act. */
export interface XstateFixReport extends XstateFixState {
  /** It widened a register restore: without it, this host would have killed the guest's processes. */
  needed: boolean;
  /** What it reported when it acted: UML's buffer and the host kernel's full size. */
  detail?: string;
}

export const DEFAULT_UML_KERNEL = '/usr/bin/linux.uml';
/** The file in the exchange folder where the preloaded ptrace fix says that it acted. */
const XSTATE_REPORT = 'xstate-fix';

export const UML_INSTALL_HINT = 'apt-get install -y user-mode-linux kmod (or bash scripts/setup.sh)';

/** The UML binary a job names, or the one on PATH, or Debian's path. */
export function umlKernelPath(kernel?: string): string {
  return kernel ?? findTool('linux.uml') ?? DEFAULT_UML_KERNEL;
}

export const umlBackend: GuestBackend<{ xstateFix: XstateFixReport }> = {
  name: 'uml',
  label: 'User-Mode Linux',
  async boot(session: GuestSession) {
    const { job, exchange, interactive } = session;
    const kernel = umlKernelPath(job.kernel);
    if (!existsSync(kernel)) throw new MissingToolError(`no User-Mode Linux kernel at ${kernel}: install Debian's user-mode-linux package (${UML_INSTALL_HINT})`);
    await writeFile(join(exchange, 'modules-dir'), job.modulesDir ?? (await defaultModulesDir(kernel)));
    await copyFile(packagePath('harness', 'kernel', 'uml-init.sh'), join(exchange, 'init.sh'));
    const fixBuild = await ensureXstateFix();
    const preload = 'path' in fixBuild ? fixBuild.path : undefined;
    const args = [
      `mem=${session.memoryMb}M`,
      'root=/dev/root', 'rootfstype=hostfs', 'rootflags=/', 'ro',
      `init=${join(exchange, 'init.sh')}`,
      'quiet',
      'con=null',
      interactive ? 'con0=fd:0,fd:1' : 'con0=null,fd:1',
      // The guest's tty1 is the command's stderr, streamed to ours.
      'con1=null,fd:2',
      `lvsh_exchange=${exchange}`,
    ];
    // Pinned to one host CPU where taskset is at hand (util-linux): see guest-cpu.ts for why.
    const taskset = findTool('taskset');
    const cpu = taskset ? await chooseGuestCpu() : undefined;
    const end = await superviseGuestProcess({
      ...(taskset && cpu !== undefined ? { command: taskset, args: ['--cpu-list', String(cpu), kernel, ...args] } : { command: kernel, args }),
      env: { ...process.env, TMPDIR: '/dev/shm', ...preloadEnvironment(preload, join(exchange, XSTATE_REPORT)) },
      interactive,
      console: session.console,
      timeoutMs: session.timeoutMs,
      undo: session.undo,
      undoLabel: 'kill the User-Mode Linux kernel',
    });
    const fixReport = (await readFile(join(exchange, XSTATE_REPORT), 'utf8').catch(() => '')).trim();
    const xstateFix: XstateFixReport = {
      used: preload !== undefined,
      needed: fixReport !== '',
      ...('unavailable' in fixBuild ? { unavailable: fixBuild.unavailable } : {}),
      ...(fixReport ? { detail: fixReport } : {}),
    };
    return { end, extra: { xstateFix }, likelyCause: likelyCause(end.telling, xstateFix) };
  },
};

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

/**
 * The environment that preloads the ptrace fix into linux.uml, and into nothing else: the
 * guest's processes get their environment from the guest, not from this one.
 */
function preloadEnvironment(preload: string | undefined, reportFile: string): Record<string, string> {
  if (!preload) return {};
  const already = process.env.LD_PRELOAD;
  return { LD_PRELOAD: already ? `${preload}:${already}` : preload, LVS_HARNESS_XSTATE_REPORT: reportFile };
}
