// Decides where clusters are built: the running kernel when it can (GitHub's runners, most
// Linux hosts, and the UML guest itself), User-Mode Linux when it cannot. Says why, always.
import { existsSync } from 'node:fs';
import { ProcessRunner } from '../process/process-runner.js';
import { findTool, requireTools } from '../process/find-tool.js';
import { probeKernel, type KernelProbe } from './probe-kernel.js';
import { probeUml, type UmlProbe } from './probe-uml.js';
import { BUILD_TOOLS } from '../plan/tools-needed.js';

export type KernelChoice =
  | { kind: 'current'; probe: KernelProbe; reason: string }
  | { kind: 'uml'; probe: KernelProbe; kernelPath: string; reason: string; guest: UmlProbe };

export class EnvironmentError extends Error {
  override name = 'EnvironmentError';
}

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
  /** The UML binary to use if it comes to that (`--kernel`); default: linux.uml on PATH. */
  umlKernel?: string;
  /** Proves that the guest runs a process; a test passes its own. */
  probeGuest?: typeof probeUml;
}

/**
 * LVS_HARNESS_KERNEL=auto (default) probes; `host` insists on the running kernel; `uml`
 * insists on User-Mode Linux. Root and the `tools` the run will call are checked first.
 */
export async function chooseKernel(options: ChooseKernelOptions = {}): Promise<KernelChoice> {
  const { runner = new ProcessRunner(), tools = BUILD_TOOLS, probeGuest = probeUml } = options;
  requireRoot();
  requireTools(tools);
  const wanted = process.env.LVS_HARNESS_KERNEL ?? 'auto';
  if (!['auto', 'host', 'uml'].includes(wanted)) throw new EnvironmentError(`LVS_HARNESS_KERNEL must be auto, host or uml, got ${JSON.stringify(wanted)}`);
  const probe = await probeKernel(runner);
  const kernelName = probe.inGuest ? `User-Mode Linux guest kernel ${probe.release}` : `host kernel ${probe.release}`;
  const lacks = probe.missing.join('; ');

  if (probe.inGuest || wanted === 'host' || (wanted === 'auto' && probe.capable)) {
    if (!probe.capable) throw new EnvironmentError(`the ${kernelName} cannot host an LVS-TUN cluster: ${lacks}`);
    return { kind: 'current', probe, reason: `the ${kernelName} has IPVS, ipip, veth and bridges: clusters are built in it` };
  }
  const kernelPath = options.umlKernel ?? findTool('linux.uml');
  if (options.umlKernel && !existsSync(options.umlKernel)) throw new EnvironmentError(`--kernel: no User-Mode Linux kernel at ${options.umlKernel}`);
  if (!kernelPath) {
    const why = wanted === 'uml' ? 'LVS_HARNESS_KERNEL=uml asks for User-Mode Linux' : `the ${kernelName} cannot host an LVS-TUN cluster (${lacks})`;
    throw new EnvironmentError(`${why}, and User-Mode Linux is not installed: apt-get install -y user-mode-linux kmod (or bash scripts/setup.sh)`);
  }
  // Installed is not working: on some CPUs UML dies at init. One boot (cached) says which.
  const guest = await probeGuest(kernelPath);
  const proof = `it booted and ran a process${guest.xstateFix.needed ? ", with the harness's ptrace fix for this CPU's large XSAVE state" : ''}`;
  const reason =
    wanted === 'uml'
      ? `LVS_HARNESS_KERNEL=uml: clusters are built inside User-Mode Linux ${guest.guestRelease} (${kernelPath}; ${proof})`
      : `the ${kernelName} lacks ${lacks}: clusters are built inside User-Mode Linux ${guest.guestRelease} (${kernelPath}; ${proof})`;
  return { kind: 'uml', probe, kernelPath, reason, guest };
}
