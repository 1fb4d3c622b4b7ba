// Runs work in the kernel chosen for clusters: here when this kernel can, otherwise by
// running the same lvs-harness command again inside User-Mode Linux.
import { fileURLToPath } from 'node:url';
import { chooseKernel } from '../kernel/choose-kernel.js';
import { runInUml } from '../kernel/run-in-uml.js';
import { say } from './say.js';

export interface UmlSettings {
  kernel?: string;
  modulesDir?: string;
  memoryMb?: number;
  timeoutMs?: number;
  /** Host folders the command writes to, made writable inside User-Mode Linux. */
  writableFolders?: string[];
  /** Host folders the command reads (a topology file's), made visible even under /tmp. */
  extraMounts?: string[];
}

/**
 * Calls `here` when this kernel can host clusters; otherwise reruns this command line
 * (`args`) inside User-Mode Linux and returns its exit code.
 */
export async function inChosenKernel(args: readonly string[], here: () => Promise<number>, uml: UmlSettings = {}): Promise<number> {
  const choice = await chooseKernel();
  say(`kernel: ${choice.reason}`);
  if (choice.kind === 'current') return here();
  const self = fileURLToPath(new URL('./main.js', import.meta.url));
  const result = await runInUml({ argv: [process.execPath, self, ...args], kernel: uml.kernel ?? choice.kernelPath, ...uml });
  if (result.outputDir) say(`the guest's evidence is kept in ${result.outputDir}`);
  return result.exitCode;
}
