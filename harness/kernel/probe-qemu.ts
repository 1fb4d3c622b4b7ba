// Knows, rather than assumes, that a QEMU guest reaches userspace here with an accelerator:
// boots the kernel once with a trivial command, within a bound. KVM is the reason to ask: a
// host may have /dev/kvm and still not run stock kernels in it (PVM hosts' hang right after
// the real-mode setup), and only a boot tells. The answer, yes or no, is cached per machine
// (host kernel, CPU, QEMU binary, guest kernel, accelerator): a no costs the whole bound, so it
// is not paid again on every command.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GuestError, runGuestJob } from './guest-job.js';
import type { BootableKernel } from './debian-kernels.js';
import { cpuIdentity } from './cpu-identity.js';
import { release } from 'node:os';
import type { QemuAccelerator } from './qemu-arguments.js';
import { qemuBackend, qemuLabel } from './qemu-backend.js';

/** What one probe boot found. */
export type QemuProbeAnswer =
  | { works: true; accelerator: QemuAccelerator; guestRelease: string; bootMs: number }
  | { works: false; accelerator: QemuAccelerator; why: string };

/** The answer, and whether it came from the cache rather than a boot just now. */
export type QemuProbe = QemuProbeAnswer & { cached: boolean };

export interface QemuProbeKey {
  hostRelease: string;
  cpu: string;
  qemu: string;
  qemuSize: number;
  qemuModified: number;
  image: string;
  imageSize: number;
  accelerator: QemuAccelerator;
}

export const QEMU_PROBE_CACHE = '/var/tmp/lvs-harness/qemu-probe';
/** Boot to a shell is about 5 s under TCG here and under 2 s with KVM elsewhere; a guest not there by then hangs. */
export const QEMU_PROBE_TIMEOUT_MS: Record<QemuAccelerator, number> = { kvm: 30_000, tcg: 120_000 };
const MARK = 'lvs-harness-qemu-probe';

export function qemuProbeKey(qemu: string, image: string, accelerator: QemuAccelerator): QemuProbeKey {
  const binary = statSync(qemu);
  const kernel = statSync(image);
  return {
    hostRelease: release(),
    cpu: cpuIdentity(),
    qemu,
    qemuSize: binary.size,
    qemuModified: Math.round(binary.mtimeMs),
    image,
    imageSize: kernel.size,
    accelerator,
  };
}

export function qemuProbeCacheFile(key: QemuProbeKey, folder = QEMU_PROBE_CACHE): string {
  return join(folder, `${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16)}.json`);
}

export interface ProbeQemuOptions {
  cacheFolder?: string;
  /** Boots the guest with the trivial command; a test passes its own. */
  boot?: (accelerator: QemuAccelerator, kernel: BootableKernel) => Promise<QemuProbeAnswer>;
  key: QemuProbeKey;
}

/** Whether `kernel` boots to a process under `accelerator` here, from the cache or from one bounded boot. */
export async function probeQemu(accelerator: QemuAccelerator, kernel: BootableKernel, options: ProbeQemuOptions): Promise<QemuProbe> {
  const file = qemuProbeCacheFile(options.key, options.cacheFolder);
  const cached = await readCached(file);
  if (cached && JSON.stringify(cached.key) === JSON.stringify(options.key)) return { ...cached.probe, cached: true };
  const probe = await (options.boot ?? bootTrivialCommand)(accelerator, kernel);
  try {
    await mkdir(options.cacheFolder ?? QEMU_PROBE_CACHE, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, `${JSON.stringify({ key: options.key, probe }, null, 2)}\n`);
    await rename(partial, file);
  } catch {
    // A cache that cannot be written costs a boot next time, nothing more.
  }
  return { ...probe, cached: false };
}

async function bootTrivialCommand(accelerator: QemuAccelerator, kernel: BootableKernel): Promise<QemuProbeAnswer> {
  const label = qemuLabel(accelerator);
  let output = '';
  try {
    const result = await runGuestJob(qemuBackend(accelerator), {
      argv: ['/bin/sh', '-c', `echo "${MARK} $(uname -r)"`],
      kernel: kernel.image,
      modulesDir: kernel.modulesDir,
      memoryMb: 512,
      // The probe asks whether a boot works here: its one boot is the answer.
      bootAttempts: 1,
      timeoutMs: QEMU_PROBE_TIMEOUT_MS[accelerator],
      cwd: '/',
      onConsole: (text) => (output += text),
    });
    const guestRelease = new RegExp(`${MARK} (\\S+)`).exec(output)?.[1];
    if (result.exitCode !== 0 || !guestRelease) {
      return { works: false, accelerator, why: `${label} booted ${kernel.release} but could not run a trivial command (exit ${result.exitCode}); it printed: ${output.trim() || '(nothing)'}` };
    }
    return { works: true, accelerator, guestRelease, bootMs: result.durationMs };
  } catch (error) {
    if (error instanceof GuestError) return { works: false, accelerator, why: `${label} cannot boot ${kernel.release} to a process here: ${error.message}` };
    throw error;
  }
}

/** The cached entry, or undefined when there is none or it cannot be read (a damaged one is probed again and rewritten). */
async function readCached(file: string): Promise<{ key: QemuProbeKey; probe: QemuProbeAnswer } | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as { key: QemuProbeKey; probe: QemuProbeAnswer };
  } catch {
    return undefined;
  }
}
