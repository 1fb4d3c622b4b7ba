// Decides where clusters are built: the first placement (placements.ts) that can run them
// here, the running kernel when it can (GitHub's runners, most Linux hosts, the harness's own
// guests), a guest kernel when it cannot. Says why, always, and why each other one could not.
import { ProcessRunner } from '../process/process-runner.js';
import { EnvironmentError } from './environment-error.js';
import { requireTools } from '../process/find-tool.js';
import { BUILD_TOOLS } from '../plan/tools-needed.js';
import { inGuest } from './guest-identity.js';
import { hostPlacement } from './host-placement.js';
import type { Placement, PlacementContext, PlacementReport } from './placement.js';
import { PLACEMENTS } from './placements.js';
import { probeKernel, type KernelProbe } from './probe-kernel.js';
import type { UmlProbe } from './probe-uml.js';

export type KernelChoice =
  | { kind: 'current'; placement: 'host'; probe: KernelProbe; reason: string; placements: PlacementReport[] }
  | { kind: 'guest'; placement: string; probe: KernelProbe; kernelPath: string; reason: string; guest: UmlProbe; placements: PlacementReport[] };

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
  /** The guest kernel to use if it comes to that (`--kernel`); default: the backend's own. */
  guestKernel?: string;
  /** Proves that a UML guest runs a process; a test passes its own. */
  probeUml?: PlacementContext['probeUml'];
  /** The placements to try, in order; default: all of them (placements.ts). */
  placements?: readonly Placement[];
}

/**
 * LVS_HARNESS_KERNEL=auto (default) tries every placement in order; a placement's name
 * (host, uml) insists on that one. Root and the `tools` the run will call are checked first.
 * Inside a guest only the running kernel is considered: guests do not nest.
 */
export async function chooseKernel(options: ChooseKernelOptions = {}): Promise<KernelChoice> {
  const { runner = new ProcessRunner(), tools = BUILD_TOOLS, placements = PLACEMENTS } = options;
  requireRoot();
  requireTools(tools);
  const wanted = process.env.LVS_HARNESS_KERNEL ?? 'auto';
  const names = placements.map((placement) => placement.name);
  if (wanted !== 'auto' && !names.includes(wanted)) throw new EnvironmentError(`LVS_HARNESS_KERNEL must be auto, ${names.join(' or ')}, got ${JSON.stringify(wanted)}`);
  const probe = await probeKernel(runner);
  const context: PlacementContext = { runner, probe, guestKernel: options.guestKernel, probeUml: options.probeUml };

  const candidates = inGuest() ? [hostPlacement] : wanted === 'auto' ? placements : placements.filter((placement) => placement.name === wanted);
  const reports: PlacementReport[] = placements.map((placement) => ({ name: placement.name, label: placement.label, usable: false }));
  const report = (placement: Placement) => reports.find((entry) => entry.name === placement.name)!;
  const refusals: string[] = [];
  for (const placement of candidates) {
    const assessment = await placement.assess(context);
    if (!assessment.usable) {
      report(placement).detail = assessment.why;
      refusals.push(assessment.why);
      continue;
    }
    Object.assign(report(placement), { usable: true, detail: assessment.reason });
    const reason = wanted !== 'auto' && !inGuest() ? `LVS_HARNESS_KERNEL=${wanted}: ${assessment.reason}` : [...refusals, assessment.reason].join(': ');
    if (!placement.backend) return { kind: 'current', placement: 'host', probe, reason, placements: reports };
    return { kind: 'guest', placement: placement.name, probe, kernelPath: assessment.kernelPath!, reason, guest: assessment.guest!, placements: reports };
  }
  if (refusals.length === 1) throw new EnvironmentError(wanted === 'auto' || inGuest() ? refusals[0]! : `LVS_HARNESS_KERNEL=${wanted} asks for ${candidates[0]!.label}, and ${refusals[0]!}`);
  const indented = (text: string) => text.split('\n').join('\n    ');
  throw new EnvironmentError(`no placement can build clusters here:\n${candidates.map((placement) => `  ${placement.name}: ${indented(report(placement).detail ?? '')}`).join('\n')}`);
}
