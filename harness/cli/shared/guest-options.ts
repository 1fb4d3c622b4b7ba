// The options every command that may run in a guest kernel takes (check, demo, up, run, vm),
// read into the guest job's settings.
import { resolve } from 'node:path';
import { wholeNumber } from './parse-options.js';

export const guestOptions = {
  kernel: { type: 'string' },
  modules: { type: 'string' },
  mem: { type: 'string' },
  timeout: { type: 'string' },
  writable: { type: 'string', multiple: true },
} as const;

export const guestOptionsHelp = `  --kernel PATH   the guest kernel: a UML binary (default: linux.uml from Debian's user-mode-linux)
  --modules DIR   its modules folder (default: /usr/lib/uml/modules/<its release>)
  --mem MB        the guest's memory (default 2048)
  --timeout S     kill the guest and report it hung after S seconds (default 3600)
  --writable DIR  a host folder the guest may write to (repeatable; the rest is read-only)`;

/** What a command run in a guest is given: the kernel, its memory and bound, what it shares with the host. */
export interface GuestSettings {
  kernel?: string;
  modulesDir?: string;
  memoryMb?: number;
  timeoutMs?: number;
  /** Host folders the command writes to, made writable inside the guest. */
  writableFolders?: string[];
  /** Host files or folders the command reads (a topology file), made visible even under /tmp. */
  extraMounts?: string[];
}

/** Reads the shared guest options of `command`. */
export function guestSettings(command: string, values: { kernel?: string; modules?: string; mem?: string; timeout?: string; writable?: string[] }): GuestSettings {
  return {
    writableFolders: (values.writable ?? []).map((folder) => resolve(folder)),
    kernel: values.kernel,
    modulesDir: values.modules,
    memoryMb: wholeNumber(command, 'mem', values.mem, 2048),
    timeoutMs: wholeNumber(command, 'timeout', values.timeout, 3600) * 1000,
  };
}
