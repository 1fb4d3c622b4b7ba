// What a dead guest's console says about why it died. The line that names the cause often
// scrolls out of the last lines long before the kernel stops (a panic prints a 40-line stack
// after it), so the telling lines are collected from the whole console as it streams, and
// the known causes are named with what to do about them.

/** Lines that say why a guest died; everything else in a dying console is a stack trace. */
const TELLING = /Kernel panic|not syncing|ptrace .*failed|errno = \d+|Attempted to kill init|Unable to mount|No working init|Out of memory|Killed process/;
const MAX_TELLING_LINES = 12;

/** Collects the telling lines of a console that arrives in chunks (lines may be split across them). */
export class TellingLines {
  readonly lines: string[] = [];
  private partial = '';

  accept(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.consider(line);
  }

  /** The lines so far, the unfinished last one included. */
  all(): string[] {
    if (this.partial) this.consider(this.partial), (this.partial = '');
    return this.lines;
  }

  private consider(line: string): void {
    if (this.lines.length < MAX_TELLING_LINES && TELLING.test(line)) this.lines.push(line.trim());
  }
}

export interface XstateFixState {
  /** The fix was preloaded into the kernel process. */
  used: boolean;
  /** Why it was not, when it was not. */
  unavailable?: string;
}

/** The likely cause of a guest's death and what to do, from its telling lines; undefined when none is known. */
export function likelyCause(telling: readonly string[], fix: XstateFixState): string | undefined {
  const text = telling.join('\n');
  const fpErrno = /ptrace set fp regs failed, errno = (\d+)/.exec(text)?.[1];
  if (fpErrno === '14') {
    const cpu =
      "the host CPU's XSAVE state is larger than the buffer User-Mode Linux 6.1 restores it from (CPUs with AMX: Intel Sapphire Rapids and later), " +
      'so the host kernel refuses every FPU restore of a guest process (EFAULT) and init dies';
    return fix.used
      ? `${cpu}; the harness's ptrace fix (harness/kernel/uml-xstate-fix.c) was preloaded into linux.uml and did not help: report this with the console above`
      : `${cpu}; the harness's ptrace fix (harness/kernel/uml-xstate-fix.c, preloaded into linux.uml) is not available: ${fix.unavailable ?? 'it was not built'}. ${fix.unavailable?.startsWith('LVS_HARNESS_XSTATE_FIX=off') ? 'Unset LVS_HARNESS_XSTATE_FIX' : 'Install gcc and libc6-dev (apt-get install -y gcc libc6-dev) or run bash scripts/setup.sh'}`;
  }
  const ptraceErrno = /ptrace .*failed.*errno = (\d+)/.exec(text)?.[1];
  if (ptraceErrno === '1' || ptraceErrno === '13') {
    return `User-Mode Linux may not ptrace its own processes here (errno ${ptraceErrno}): a seccomp profile or a container without CAP_SYS_PTRACE, or kernel.yama.ptrace_scope=3, forbids it; run on a host (or container) that allows ptrace`;
  }
  if (ptraceErrno) return `User-Mode Linux's ptrace of its own processes failed (errno ${ptraceErrno}), so its init could not run`;
  if (/Unable to mount root/.test(text)) return 'the guest could not mount the host\'s root over hostfs: the kernel needs CONFIG_HOSTFS (Debian\'s linux.uml has it)';
  if (/Out of memory|Killed process/.test(text)) return 'the guest ran out of memory: give it more with --mem MB';
  return undefined;
}
