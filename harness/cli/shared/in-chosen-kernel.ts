// Runs work in the kernel chosen for clusters: here when this kernel can, otherwise by
// running the same lvs-harness command again inside User-Mode Linux.
import { fileURLToPath } from 'node:url';
import { chooseKernel } from '../../kernel/choose-kernel.js';
import { BUILD_TOOLS } from '../../plan/tools-needed.js';
import { runInUml } from '../../kernel/run-in-uml.js';
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
 * (`args`) inside User-Mode Linux and returns its exit code. `tools` are those the command
 * will call, refused up front when missing (the guest sees the host's, so once is enough).
 */
export async function inChosenKernel(args: readonly string[], here: () => Promise<number>, uml: UmlSettings = {}, tools: readonly string[] = BUILD_TOOLS): Promise<number> {
  const choice = await chooseKernel({ tools, umlKernel: uml.kernel });
  say(`kernel: ${choice.reason}`);
  if (choice.kind === 'current') return here();
  const self = fileURLToPath(new URL('../main.js', import.meta.url));
  const result = await runInUml({ argv: [process.execPath, self, ...args], ...uml, kernel: uml.kernel ?? choice.kernelPath });
  if (result.outputDir) say(`the guest's evidence is kept in ${result.outputDir}`);
  return result.exitCode;
}
