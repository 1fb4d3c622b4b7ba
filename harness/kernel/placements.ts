// Every placement, in the order the kernel choice tries them, fastest first as measured here:
// the running kernel (no boot at all), QEMU with KVM (near native), User-Mode Linux (a Node.js
// start ~1.3 s), QEMU with TCG (~2.5 s, but any host and any kernel). A new backend joins with
// its placement's line here.
import { hostPlacement } from './host-placement.js';
import type { Placement } from './placement.js';
import { qemuKvmPlacement, qemuTcgPlacement } from './qemu-placement.js';
import { umlPlacement } from './uml-placement.js';

export const PLACEMENTS: readonly Placement[] = [hostPlacement, qemuKvmPlacement, umlPlacement, qemuTcgPlacement];

/** The placement named so (LVS_HARNESS_KERNEL, a guest's own name), or undefined. */
export function placementNamed(name: string): Placement | undefined {
  return PLACEMENTS.find((placement) => placement.name === name);
}

/** How the kernel this process runs in is named in reports: "User-Mode Linux", "host kernel". */
export function runningKernelLabel(guest: string | undefined): string {
  return guest === undefined ? 'host kernel' : (placementNamed(guest)?.label ?? guest);
}
