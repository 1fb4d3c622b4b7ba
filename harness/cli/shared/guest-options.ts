// The options every command that may run in a guest kernel takes (check, demo, up, run, vm),
// read into the guest job's settings.
import { resolve } from 'node:path';
import { KERNEL_NAME_HELP, KernelNameError, parseKernelName, type KernelName } from '../../kernel/kernel-name.js';
import { UsageError } from './exit-codes.js';
import { wholeNumber } from './parse-options.js';

export const guestOptions = {
  kernel: { type: 'string', multiple: true },
  modules: { type: 'string' },
  mem: { type: 'string' },
  timeout: { type: 'string' },
  writable: { type: 'string', multiple: true },
} as const;

export const guestOptionsHelp = `  --kernel NAME   where to build: host, uml (Debian's User-Mode Linux, or a UML binary's
                  path), debian:6.1 / debian:6.12 (the newest Debian image of that series,
                  fetched once, booted in QEMU with KVM where it works, else TCG),
                  debian:RELEASE, or a bzImage's path (default: the first placement that
                  works here, as \`lvs-harness kernel\` lists them)
  --modules DIR   the kernel's modules folder, named after its release (default: UML's
                  /usr/lib/uml/modules/<release>, a bzImage's /lib/modules/<release>)
  --mem MB        the guest's memory (default 2048)
  --timeout S     kill the guest and report it hung after S seconds (default 3600)
  --writable DIR  a host folder the guest may write to (repeatable; the rest is read-only)`;

/** What a command run in a guest is given: the kernel, its memory and bound, what it shares with the host. */
export interface GuestSettings {
  /** The kernel `--kernel` named; absent: the first placement that works. */
  kernelName?: KernelName;
  modulesDir?: string;
  memoryMb?: number;
  timeoutMs?: number;
  /** Host folders the command writes to, made writable inside the guest. */
  writableFolders?: string[];
  /** Host files or folders the command reads (a topology file), made visible even under /tmp. */
  extraMounts?: string[];
}

interface GuestOptionValues {
  kernel?: string[];
  modules?: string;
  mem?: string;
  timeout?: string;
  writable?: string[];
}

/** Reads the shared guest options of `command`, which takes one --kernel at most. */
export function guestSettings(command: string, values: GuestOptionValues): GuestSettings {
  const names = kernelNames(command, values.kernel);
  if (names.length > 1) throw new UsageError(`${command}: takes one --kernel (only check runs a matrix of kernels), got ${names.length}`);
  return { ...sharedSettings(command, values), kernelName: names[0] };
}

/** The settings without the kernel, and every kernel named, each read and checked (check's matrix). */
export function guestSettingsPerKernel(command: string, values: GuestOptionValues): { settings: GuestSettings; kernels: Array<{ text: string; name: KernelName }> } {
  const texts = values.kernel ?? [];
  const names = kernelNames(command, texts);
  return { settings: sharedSettings(command, values), kernels: names.map((name, index) => ({ text: texts[index]!, name })) };
}

function sharedSettings(command: string, values: GuestOptionValues): GuestSettings {
  return {
    writableFolders: (values.writable ?? []).map((folder) => resolve(folder)),
    modulesDir: values.modules === undefined ? undefined : resolve(values.modules),
    memoryMb: wholeNumber(command, 'mem', values.mem, 2048),
    timeoutMs: wholeNumber(command, 'timeout', values.timeout, 3600) * 1000,
  };
}

function kernelNames(command: string, texts: readonly string[] | undefined): KernelName[] {
  return (texts ?? []).map((text) => {
    try {
      return parseKernelName(text);
    } catch (error) {
      if (error instanceof KernelNameError) throw new UsageError(`${command}: ${error.message}`);
      throw error;
    }
  });
}

export { KERNEL_NAME_HELP };
