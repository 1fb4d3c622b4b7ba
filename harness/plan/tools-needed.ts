// Which Debian tools a run will call, worked out from what it will do, so that a missing one
// is refused up front with the package to install, before a kernel is chosen or anything is
// built, instead of surfacing halfway through as a command that could not start.
import type { AssertionName, Topology } from '../topology/topology.js';

/** The tools every build runs, in whichever kernel. */
export const BUILD_TOOLS: readonly string[] = ['ip', 'nsenter', 'ipvsadm', 'ipvsadm-restore', 'ipvsadm-save', 'sysctl'];

/** What a capture runs (the TUN contract, `lvs-harness capture`). */
export const CAPTURE_TOOLS: readonly string[] = ['tcpdump'];

/** The assertions that capture traffic. */
const CAPTURING_ASSERTIONS: readonly AssertionName[] = ['tun-contract'];

/** The tools building this topology needs, plus those the given assertions run. */
export function toolsNeeded(topology: Topology, assertions: readonly AssertionName[] = []): string[] {
  const tools = [...BUILD_TOOLS];
  if (topology.service.rulesFrom === 'keepalived') tools.push('keepalived');
  if (assertions.some((name) => CAPTURING_ASSERTIONS.includes(name))) tools.push(...CAPTURE_TOOLS);
  // A configurator named by its program alone (keepalived, a controller) is looked up like ours;
  // one named by path was checked when the topology loaded.
  for (const host of topology.hosts) {
    const program = host.configurator?.argv[0];
    if (program && !program.includes('/')) tools.push(program);
  }
  return [...new Set(tools)];
}
