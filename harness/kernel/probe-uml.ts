// Knows, rather than assumes, that User-Mode Linux can run a process on this machine: boots
// it once with a trivial command. On some CPUs (AMX) an unpatched UML dies at init, so a
// kernel that is installed is not yet a kernel that works. The answer is cached per machine
// (host kernel release, CPU, the UML binary, the ptrace fix's build), so a suite of many
// files pays for one boot; only a working guest is cached, so a failure is retried.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { GuestError, GuestUnusableError, runGuestJob } from './guest-job.js';
import { umlBackend, type XstateFixReport } from './uml-backend.js';
import { xstateFixDisabled, xstateFixPath } from './uml-xstate-fix.js';
import { cpuIdentity } from './cpu-identity.js';

export interface UmlProbe {
  /** The UML binary that was booted. */
  kernelPath: string;
  /** The guest kernel's release, as `uname -r` printed it inside. */
  guestRelease: string;
  /** How long the probe boot took, boot to power-off. */
  bootMs: number;
  xstateFix: XstateFixReport;
  /** True when this answer came from the cache, not from a boot just now. */
  cached: boolean;
}

/** What makes a cached answer valid: a different one means another machine, CPU, kernel or fix. */
export interface UmlProbeKey {
  hostRelease: string;
  cpu: string;
  kernelPath: string;
  kernelSize: number;
  kernelModified: number;
  fixBuild: string;
}

export class UmlUnusableError extends GuestUnusableError {
  override name = 'UmlUnusableError';
}

export const UML_PROBE_CACHE = '/var/tmp/lvs-harness/uml-probe';
const PROBE_TIMEOUT_MS = 90_000;
const MARK = 'lvs-harness-uml-probe';

/** The cache key for this machine and this UML binary. */
export function umlProbeKey(kernelPath: string): UmlProbeKey {
  const kernel = statSync(kernelPath);
  return {
    hostRelease: release(),
    cpu: cpuIdentity(),
    kernelPath,
    kernelSize: kernel.size,
    kernelModified: Math.round(kernel.mtimeMs),
    fixBuild: fixBuildName(),
  };
}

/** The cache file of one key. */
export function umlProbeCacheFile(key: UmlProbeKey, folder = UML_PROBE_CACHE): string {
  return join(folder, `${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16)}.json`);
}

export interface ProbeUmlOptions {
  cacheFolder?: string;
  /** Boots the guest and runs the trivial command; a test passes its own. */
  boot?: (kernelPath: string) => Promise<Omit<UmlProbe, 'cached' | 'kernelPath'>>;
  key?: UmlProbeKey;
}

/** A working guest's description, from the cache or from one boot; throws UmlUnusableError when it cannot run a process. */
export async function probeUml(kernelPath: string, options: ProbeUmlOptions = {}): Promise<UmlProbe> {
  const key = options.key ?? umlProbeKey(kernelPath);
  const file = umlProbeCacheFile(key, options.cacheFolder);
  const cached = await readCached(file, key);
  if (cached) return { ...cached, cached: true };
  const booted = await (options.boot ?? bootTrivialCommand)(kernelPath);
  const probe: UmlProbe = { kernelPath, ...booted, cached: false };
  await writeCached(file, key, probe);
  return probe;
}

/** Boots the guest with `uname -r`: init, a shell and a process started from it. */
async function bootTrivialCommand(kernelPath: string): Promise<Omit<UmlProbe, 'cached' | 'kernelPath'>> {
  let output = '';
  try {
    const result = await runGuestJob(umlBackend, {
      argv: ['/bin/sh', '-c', `echo "${MARK} $(uname -r)"`],
      kernel: kernelPath,
      memoryMb: 256,
      // The probe asks whether a boot works here: its one boot is the answer.
      bootAttempts: 1,
      timeoutMs: PROBE_TIMEOUT_MS,
      cwd: '/',
      onConsole: (text) => (output += text),
    });
    const guestRelease = new RegExp(`${MARK} (\\S+)`).exec(output)?.[1];
    if (result.exitCode !== 0 || !guestRelease) {
      throw new UmlUnusableError(`User-Mode Linux (${kernelPath}) booted but could not run a trivial command (exit ${result.exitCode}); it printed:\n${output.trim() || '(nothing)'}`);
    }
    return { guestRelease, bootMs: result.durationMs, xstateFix: result.xstateFix };
  } catch (error) {
    if (error instanceof GuestError) {
      throw new UmlUnusableError(`User-Mode Linux (${kernelPath}) cannot run a process on this machine: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

async function readCached(file: string, key: UmlProbeKey): Promise<Omit<UmlProbe, 'cached'> | undefined> {
  try {
    const entry = JSON.parse(await readFile(file, 'utf8')) as { key: UmlProbeKey; probe: Omit<UmlProbe, 'cached'> };
    return JSON.stringify(entry.key) === JSON.stringify(key) ? entry.probe : undefined;
  } catch {
    return undefined;
  }
}

async function writeCached(file: string, key: UmlProbeKey, probe: UmlProbe): Promise<void> {
  const { cached: _cached, ...rest } = probe;
  try {
    await mkdir(join(file, '..'), { recursive: true });
    // Aside, then renamed: two runs probing at once never read half an entry.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, `${JSON.stringify({ key, probe: rest }, null, 2)}\n`);
    await rename(partial, file);
  } catch {
    // A cache that cannot be written costs a boot next time, nothing more.
  }
}

function fixBuildName(): string {
  if (xstateFixDisabled()) return 'off';
  try {
    return xstateFixPath();
  } catch {
    return 'none';
  }
}
