// The running kernel as a placement: it can host clusters when it has IPVS, ipip, veth and
// bridges (GitHub's runners, most Linux hosts, and the harness's own guests).
import { currentGuest } from './guest-identity.js';
import type { Placement } from './placement.js';

export const hostPlacement: Placement = {
  name: 'host',
  label: 'the running kernel',
  async assess({ probe }) {
    const guest = currentGuest();
    const kernelName = guest ? `guest kernel ${probe.release} (${guest})` : `host kernel ${probe.release}`;
    if (!probe.capable) return { usable: false, why: `the ${kernelName} cannot host an LVS-TUN cluster (${probe.missing.join('; ')})` };
    return { usable: true, reason: `the ${kernelName} has IPVS, ipip, veth and bridges: clusters are built in it` };
  },
};
