// The host CPU a User-Mode Linux guest is pinned to. UML is a kernel process that runs each of
// the guest's processes as a host process it drives by ptrace: every system call, page fault
// and timer tick of the guest is a switch between two host processes. Left to the host's
// scheduler the two land on different CPUs, and each switch waits for an idle CPU to wake
// (on these machines a virtual CPU, woken through the hypervisor). Pinned to one CPU, a switch
// is a plain context switch. Measured inside UML on a quiet 2-core machine (best of 3, two
// alternations): `node -e 0` 0.69-0.86 s unpinned, 0.17-0.18 s pinned; the seed's `check`
// 5.7-6.9 s against 2.3-2.5 s; the reference script 4.5-5.0 s against 1.2 s. A guest has one
// CPU of its own, so one host CPU is all it can use anyway.
import { readFile } from 'node:fs/promises';
import { guestKernelsByFolder } from './guest-exchange-garbage.js';

/**
 * Names the CPU for every guest this process starts, instead of the least used one (`npm test`
 * spreads its guests so), or `none`: unpinned, as the benchmarks compare.
 */
export const GUEST_CPU_VARIABLE = 'LVS_HARNESS_UML_CPU';

/** The CPUs in a list as the kernel prints them (`0-3,8,10-11`). */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!range) continue;
    const first = Number(range[1]);
    const last = range[2] === undefined ? first : Number(range[2]);
    for (let cpu = first; cpu <= last; cpu += 1) cpus.push(cpu);
  }
  return cpus;
}

/** `Cpus_allowed_list` of a /proc/PID/status text. */
export function allowedCpusOf(statusText: string): number[] {
  const line = /^Cpus_allowed_list:\s*(.*)$/m.exec(statusText);
  return line ? parseCpuList(line[1]!) : [];
}

/** The CPUs this process may run on (and so pin a guest to), or none when /proc cannot say. */
export async function allowedCpus(): Promise<number[]> {
  return allowedCpusOf(await readFile('/proc/self/status', 'utf8').catch(() => ''));
}

/**
 * The CPU for a new guest: among those this process may use, the one with the fewest guests
 * already pinned to it; ties go to the first. Pure.
 */
export function leastUsedCpu(allowed: readonly number[], guestsPerCpu: ReadonlyMap<number, number>): number | undefined {
  let best: number | undefined;
  for (const cpu of allowed) if (best === undefined || (guestsPerCpu.get(cpu) ?? 0) < (guestsPerCpu.get(best) ?? 0)) best = cpu;
  return best;
}

/**
 * The CPU to pin the next guest to: $LVS_HARNESS_UML_CPU when it names one this process may
 * use, else the least used of those by the harness's guests running now (each counted once, by
 * its exchange folder). Undefined (the guest runs unpinned) when it says `none` or the allowed
 * CPUs cannot be read.
 */
export async function chooseGuestCpu(environment: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  const allowed = await allowedCpus();
  if (allowed.length === 0) return undefined;
  const named = environment[GUEST_CPU_VARIABLE];
  if (named === 'none') return undefined;
  if (named !== undefined && /^\d+$/.test(named) && allowed.includes(Number(named))) return Number(named);
  const guestsPerCpu = new Map<number, number>();
  for (const [, pids] of await guestKernelsByFolder()) {
    // A guest's host processes share its kernel's CPUs (a fork inherits them): one says it.
    const pinned = allowedCpusOf(await readFile(`/proc/${pids[0]}/status`, 'utf8').catch(() => ''));
    if (pinned.length === 1) guestsPerCpu.set(pinned[0]!, (guestsPerCpu.get(pinned[0]!) ?? 0) + 1);
  }
  return leastUsedCpu(allowed, guestsPerCpu);
}
