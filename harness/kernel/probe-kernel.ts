// Finds out whether the running kernel can host an LVS-TUN cluster: loads the modules where
// modules can be loaded, then tries what a build needs in a scratch namespace (which it
// removes), so the answer comes from the kernel, not from guessing at its configuration.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ProcessRunner } from '../process/process-runner.js';
import { NAMESPACE_PREFIX } from '../plan/cluster-plan.js';
import { modulesToLoad } from './kernel-modules.js';
import { inGuest as runsInGuest } from './guest-identity.js';

export interface KernelProbe {
  release: string;
  /** True when every check passed. */
  capable: boolean;
  /** One line per missing capability, in the kernel's or tool's own words. */
  missing: string[];
  /** True when this is a guest kernel the harness booted. */
  inGuest: boolean;
}

/**
 * Inside a guest, where the kernel cannot change while it runs, the answer is kept for the
 * boot: every command a suite starts in the guest asks, and the probe is six processes (0.3-0.4 s
 * inside User-Mode Linux). Keyed by the boot's id, in the guest's /tmp.
 */
function guestProbeCache(): string | undefined {
  if (!runsInGuest()) return undefined;
  try {
    return join(tmpdir(), `lvs-harness-kernel-probe-${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}.json`);
  } catch {
    return undefined;
  }
}

/** Probes the running kernel; never changes the root namespace beyond loading modules. */
export async function probeKernel(runner = new ProcessRunner()): Promise<KernelProbe> {
  const cache = guestProbeCache();
  if (cache && existsSync(cache)) {
    try {
      return JSON.parse(readFileSync(cache, 'utf8')) as KernelProbe;
    } catch {
      // Unreadable: probed again below, and written anew.
    }
  }
  const probe = await probeRunningKernel(runner);
  if (cache) {
    // Written aside and renamed: commands that start together never read half a file.
    const partial = `${cache}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(probe));
    renameSync(partial, cache);
  }
  return probe;
}

async function probeRunningKernel(runner: ProcessRunner): Promise<KernelProbe> {
  const missing: string[] = [];
  const inGuest = runsInGuest();
  if (!inGuest && existsSync('/proc/modules')) {
    // A module that fails to load is not judged here: the checks below ask the kernel itself.
    await runner.run(['modprobe', '-a', '-q', ...modulesToLoad()], { allowFailure: true }).catch(() => undefined);
  }
  const scratch = `${NAMESPACE_PREFIX}probe-${randomBytes(3).toString('hex')}`;
  try {
    await runner.run(['ip', 'netns', 'add', scratch]);
  } catch (error) {
    return { release: release(), capable: false, missing: [`network namespaces: ${firstLine(error)}`], inGuest };
  }
  try {
    const checks: Array<[string, readonly string[]]> = [
      ['veth pairs', ['ip', '-n', scratch, 'link', 'add', 'probe-a', 'type', 'veth', 'peer', 'name', 'probe-b']],
      ['bridges', ['ip', '-n', scratch, 'link', 'add', 'probe-br', 'type', 'bridge']],
      ['ipip tunnels (tunl0)', ['ip', '-n', scratch, 'link', 'show', 'tunl0']],
      ['IPVS', ['ip', 'netns', 'exec', scratch, 'ipvsadm', '-Ln']],
    ];
    for (const [capability, argv] of checks) {
      const result = await runner.run(argv, { allowFailure: true }).catch((error: Error) => ({ exitCode: -1, stderr: error.message, stdout: '' }));
      if (result.exitCode !== 0) missing.push(`${capability}: ${telling(result.stderr) || `exit code ${result.exitCode}`}`);
    }
  } finally {
    await runner.run(['ip', 'netns', 'del', scratch], { allowFailure: true });
  }
  return { release: release(), capable: missing.length === 0, missing, inGuest };
}

function firstLine(value: unknown): string {
  const text = value instanceof Error ? value.message : String(value);
  return text.trim().split('\n')[0] ?? '';
}

/** The line of a tool's complaint that says what is wrong (ipvsadm leads with modprobe's). */
function telling(stderr: string): string {
  const lines = stderr.trim().split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.find((line) => !line.startsWith('modprobe:')) ?? lines[0] ?? '';
}
