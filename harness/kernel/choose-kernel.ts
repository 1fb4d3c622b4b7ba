// Decides where clusters are built: the first placement (placements.ts) that can run them
// here, the running kernel when it can (GitHub's runners, most Linux hosts, the harness's own
// guests), a guest kernel when it cannot. Says why, always, and why each other one could not.
import { ProcessRunner } from '../process/process-runner.js';
import { EnvironmentError } from './environment-error.js';
import { requireTools } from '../process/find-tool.js';
import { BUILD_TOOLS } from '../plan/tools-needed.js';
import { inGuest } from './guest-identity.js';
import { hostPlacement } from './host-placement.js';
import { describeKernelName, placementsFor, type KernelName } from './kernel-name.js';
import type { GuestKernel, Placement, PlacementContext, PlacementReport } from './placement.js';
import { PLACEMENTS } from './placements.js';
import { probeKernel, type KernelProbe } from './probe-kernel.js';

export type KernelChoice =
  | { kind: 'current'; placement: 'host'; probe: KernelProbe; reason: string; placements: PlacementReport[] }
  | { kind: 'guest'; placement: string; probe: KernelProbe; kernelPath: string; modulesDir?: string; reason: string; guest: GuestKernel; placements: PlacementReport[] };

export { EnvironmentError };

/** Root is needed for namespaces; checked first so the message says so plainly. */
export function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new EnvironmentError('lvs-harness needs root: it creates network namespaces and loads kernel modules (run it with sudo, or as root)');
  }
}

export interface ChooseKernelOptions {
  runner?: ProcessRunner;
  /** The tools the run will call, refused up front when missing. */
  tools?: readonly string[];
  /** The kernel the user named (`--kernel`): only the placements that boot it are tried. */
  kernelName?: KernelName;
  /** Its modules folder (`--modules`). */
  modulesDir?: string;
  /** Proves that a UML guest runs a process; a test passes its own. */
  probeUml?: PlacementContext['probeUml'];
  /** The placements to try, in order; default: all of them (placements.ts). */
  placements?: readonly Placement[];
  /** Only guest kernels (`vm` always boots one). */
  guestOnly?: boolean;
  /** Assess every placement, also those after the chosen one (`lvs-harness kernel` lists them all). */
  assessAll?: boolean;
  onProgress?: (line: string) => void;
}

/**
 * LVS_HARNESS_KERNEL=auto (default) tries every placement in order; a placement's name
 * (host, qemu-kvm, uml, qemu-tcg) insists on that one, as `--kernel` insists on the
 * placements that boot the kernel it names. Root and the `tools` the run will call are
 * checked first. Inside a guest only the running kernel is considered: guests do not nest.
 */
export async function chooseKernel(options: ChooseKernelOptions = {}): Promise<KernelChoice> {
  const { runner = new ProcessRunner(), tools = BUILD_TOOLS, placements = PLACEMENTS, kernelName } = options;
  requireRoot();
  requireTools(tools);
  const wanted = process.env.LVS_HARNESS_KERNEL ?? 'auto';
  const names = placements.map((placement) => placement.name);
  if (wanted !== 'auto' && !names.includes(wanted)) throw new EnvironmentError(`LVS_HARNESS_KERNEL must be auto, ${names.join(', ')}, got ${JSON.stringify(wanted)}`);
  const probe = await probeKernel(runner);
  const context: PlacementContext = { runner, probe, kernelName, modulesDir: options.modulesDir, probeUml: options.probeUml, onProgress: options.onProgress };

  const candidates = inGuest() ? [hostPlacement] : candidatePlacements(placements, wanted, kernelName, options.guestOnly === true);
  const reports: PlacementReport[] = placements.map((placement) => ({ name: placement.name, label: placement.label, usable: false }));
  const report = (placement: Placement) => reports.find((entry) => entry.name === placement.name)!;
  const refusals: string[] = [];
  let chosen: KernelChoice | undefined;
  for (const placement of options.assessAll && !inGuest() ? placements : candidates) {
    const assessment = await placement.assess(context);
    if (!assessment.usable) {
      report(placement).detail = assessment.why;
      if (!chosen && candidates.includes(placement)) refusals.push(assessment.why);
      continue;
    }
    Object.assign(report(placement), { usable: true, detail: assessment.reason });
    if (chosen || !candidates.includes(placement)) continue;
    const reason = explicitly(wanted, kernelName) && !inGuest() ? `${explicitly(wanted, kernelName)}: ${assessment.reason}` : [...refusals, assessment.reason].join(': ');
    if (!placement.backend) chosen = { kind: 'current', placement: 'host', probe, reason, placements: reports };
    else chosen = { kind: 'guest', placement: placement.name, probe, kernelPath: assessment.guest!.kernelPath, modulesDir: assessment.guest!.modulesDir, reason, guest: assessment.guest!, placements: reports };
    if (!options.assessAll) return chosen;
  }
  if (chosen) return chosen;
  const asked = explicitly(wanted, kernelName);
  if (refusals.length === 1) throw new EnvironmentError(asked && !inGuest() ? `${asked} asks for ${candidates[0]!.label}, and ${refusals[0]!}` : refusals[0]!);
  const indented = (text: string) => text.split('\n').join('\n    ');
  throw new EnvironmentError(`${asked && !inGuest() ? `${asked}: ` : ''}no placement can build clusters here:\n${candidates.map((placement) => `  ${placement.name}: ${indented(report(placement).detail ?? '')}`).join('\n')}`);
}

/** The placements to try: those LVS_HARNESS_KERNEL and --kernel both allow, in the order of placements.ts. */
function candidatePlacements(placements: readonly Placement[], wanted: string, kernelName: KernelName | undefined, guestOnly: boolean): Placement[] {
  const allowedByName = kernelName ? placementsFor(kernelName) : undefined;
  const candidates = placements.filter(
    (placement) => (wanted === 'auto' || placement.name === wanted) && (!allowedByName || allowedByName.includes(placement.name)) && (!guestOnly || placement.backend !== undefined),
  );
  if (candidates.length > 0) return candidates;
  const asked = [wanted !== 'auto' ? `LVS_HARNESS_KERNEL=${wanted}` : '', kernelName ? `--kernel ${describeKernelName(kernelName)}` : '', guestOnly ? 'a guest kernel' : ''].filter(Boolean);
  throw new EnvironmentError(`no placement is all of ${asked.join(', ')}: ${kernelName ? `${describeKernelName(kernelName)} runs in ${placementsFor(kernelName).join(' or ')}` : 'the running kernel is no guest'}`);
}

/** What the user insisted on, for messages: "LVS_HARNESS_KERNEL=uml", "--kernel debian:6.12". */
function explicitly(wanted: string, kernelName: KernelName | undefined): string | undefined {
  const parts = [wanted !== 'auto' ? `LVS_HARNESS_KERNEL=${wanted}` : '', kernelName ? `--kernel ${describeKernelName(kernelName)}` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' and ') : undefined;
}
