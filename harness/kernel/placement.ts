// Where clusters can be built: a placement is the running kernel or a guest kernel of some
// backend. Each says whether it can run here and, if not, why; the kernel choice takes the
// first that can, in the order of placements.ts, as testcontainers picks a container runtime.
import type { ProcessRunner } from '../process/process-runner.js';
import type { GuestBackend } from './guest-job.js';
import type { KernelName } from './kernel-name.js';
import type { KernelProbe } from './probe-kernel.js';
import type { UmlProbe } from './probe-uml.js';
import type { XstateFixReport } from './uml-backend.js';

export interface PlacementContext {
  runner: ProcessRunner;
  /** What the running kernel can do. */
  probe: KernelProbe;
  /** The kernel the user named (`--kernel`), for the placements that can boot it. */
  kernelName?: KernelName;
  /** Its modules folder (`--modules`), when the user named one. */
  modulesDir?: string;
  /** Proves that a UML guest runs a process; a test passes its own. */
  probeUml?: (kernelPath: string) => Promise<UmlProbe>;
  /** Progress of long steps (a kernel's download, a probe boot). */
  onProgress?: (line: string) => void;
}

/** A guest kernel that was shown to run a process here: what the job boots. */
export interface GuestKernel {
  /** The kernel the backend boots: a UML binary, a bzImage. */
  kernelPath: string;
  /** Its modules folder, when the backend does not find it by itself. */
  modulesDir?: string;
  /** The guest kernel's release, as `uname -r` printed it inside. */
  guestRelease: string;
  /** How long the probe boot took, boot to power-off. */
  bootMs: number;
  /** True when the answer came from the cache, not from a boot just now. */
  cached: boolean;
  /** Where the kernel came from, when fetched: "Debian linux-image-6.12.117+deb12-amd64 6.12.117-1~deb12u1". */
  origin?: string;
  /** UML only: the ptrace fix for large XSAVE states. */
  xstateFix?: XstateFixReport;
}

export type PlacementAssessment = { usable: true; reason: string; guest?: GuestKernel } | { usable: false; why: string };

export interface Placement {
  /** Its name for LVS_HARNESS_KERNEL: host, qemu-kvm, uml, qemu-tcg. */
  name: string;
  /** How messages name it. */
  label: string;
  /** The backend that boots it; none for the running kernel. */
  backend?: GuestBackend<object>;
  assess(context: PlacementContext): Promise<PlacementAssessment>;
}

/** One line of `lvs-harness kernel`: a placement and whether it can run here. */
export interface PlacementReport {
  name: string;
  label: string;
  usable: boolean;
  /** Why it can (usable) or cannot; absent for those not tried because an earlier one was chosen. */
  detail?: string;
}
