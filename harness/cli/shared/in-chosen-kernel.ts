// Runs work in the kernel chosen for clusters: here when this kernel can, otherwise by
// running the same lvs-harness command again inside the chosen guest.
import { cliEntry } from './cli-entry.js';
import { chooseKernel, type KernelChoice } from '../../kernel/choose-kernel.js';
import { runGuestJob, type GuestJob } from '../../kernel/guest-job.js';
import { placementNamed } from '../../kernel/placements.js';
import { BUILD_TOOLS } from '../../plan/tools-needed.js';
import type { GuestSettings } from './guest-options.js';
import { say } from './say.js';

/**
 * Calls `here` when this kernel can host clusters; otherwise reruns this command line
 * (`args`) inside the chosen guest and returns its exit code. `tools` are those the command
 * will call, refused up front when missing (the guest sees the host's, so once is enough).
 */
export async function inChosenKernel(args: readonly string[], here: () => Promise<number>, settings: GuestSettings = {}, tools: readonly string[] = BUILD_TOOLS): Promise<number> {
  const choice = await chooseKernel({ tools, kernelName: settings.kernelName, modulesDir: settings.modulesDir, onProgress: say });
  say(`kernel: ${choice.reason}`);
  if (choice.kind === 'current') return here();
  const backend = placementNamed(choice.placement)?.backend;
  if (!backend) throw new Error(`the chosen placement ${choice.placement} has no guest backend`);
  const self = cliEntry();
  const result = await runGuestJob(backend, guestJobFor([process.execPath, self, ...args], settings, choice));
  if (result.outputDir) say(`the guest's evidence is kept in ${result.outputDir}`);
  return result.exitCode;
}

/** The job that reruns `argv` in the chosen guest: the kernel and modules the choice proved, unless the user named the modules. */
export function guestJobFor(argv: readonly string[], settings: GuestSettings, choice: Extract<KernelChoice, { kind: 'guest' }>): GuestJob {
  const { kernelName: _named, writableFolders, extraMounts, modulesDir, ...rest } = settings;
  return { argv, ...rest, kernel: choice.kernelPath, modulesDir: modulesDir ?? choice.modulesDir, shares: { read: extraMounts, write: writableFolders } };
}
