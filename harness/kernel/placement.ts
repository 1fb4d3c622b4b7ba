// Where clusters can be built: a placement is the running kernel or a guest kernel of some
// backend. Each says whether it can run here and, if not, why; the kernel choice takes the
// first that can, in the order of placements.ts, as testcontainers picks a container runtime.
import type { ProcessRunner } from '../process/process-runner.js';
import type { GuestBackend } from './guest-job.js';
import type { KernelProbe } from './probe-kernel.js';
import type { UmlProbe } from './probe-uml.js';

export interface PlacementContext {
  runner: ProcessRunner;
  /** What the running kernel can do. */
  probe: KernelProbe;
  /** A guest kernel the user named (`--kernel`), for the guest placements. */
  guestKernel?: string;
  /** Proves that a UML guest runs a process; a test passes its own. */
  probeUml?: (kernelPath: string) => Promise<UmlProbe>;
}

export type PlacementAssessment =
  | { usable: true; reason: string; kernelPath?: string; guest?: UmlProbe }
  | { usable: false; why: string };

export interface Placement {
  /** Its name for LVS_HARNESS_KERNEL: host, uml. */
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
