// Every placement, in the order the kernel choice tries them: the running kernel first (no
// boot at all), then the guest backends. A new backend joins with its placement's line here.
import { hostPlacement } from './host-placement.js';
import { EnvironmentError } from './environment-error.js';
import type { GuestBackend } from './guest-job.js';
import type { Placement } from './placement.js';
import { umlPlacement } from './uml-placement.js';

export const PLACEMENTS: readonly Placement[] = [hostPlacement, umlPlacement];

/** The placement named so (LVS_HARNESS_KERNEL, a guest's own name), or undefined. */
export function placementNamed(name: string): Placement | undefined {
  return PLACEMENTS.find((placement) => placement.name === name);
}

/** How the kernel this process runs in is named in reports: "User-Mode Linux", "host kernel". */
export function runningKernelLabel(guest: string | undefined): string {
  return guest === undefined ? 'host kernel' : (placementNamed(guest)?.label ?? guest);
}

/**
 * The guest placement `name` names, or the first guest placement (`vm` always boots a guest:
 * LVS_HARNESS_KERNEL=host or auto, which are about where clusters are built, leave it the default).
 */
export function guestPlacementNamed(name: string | undefined): Placement & { backend: GuestBackend<object> } {
  const guests = PLACEMENTS.filter((placement): placement is Placement & { backend: GuestBackend<object> } => placement.backend !== undefined);
  const chosen = guests.find((placement) => placement.name === name) ?? guests[0];
  if (!chosen) throw new EnvironmentError('no guest backend is built into this lvs-harness');
  return chosen;
}
