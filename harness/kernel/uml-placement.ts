// User-Mode Linux as a placement: usable when linux.uml is installed and, booted once (cached
// per machine), runs a process; on some CPUs (AMX) an installed UML dies at init.
import { findTool } from '../process/find-tool.js';
import type { Placement } from './placement.js';
import { GuestUnusableError } from './guest-job.js';
import { probeUml } from './probe-uml.js';
import { UML_INSTALL_HINT, umlBackend } from './uml-backend.js';

export const umlPlacement: Placement = {
  name: 'uml',
  label: 'User-Mode Linux',
  backend: umlBackend,
  async assess({ kernelName, modulesDir, probeUml: probe = probeUml }) {
    const named = kernelName?.kind === 'uml' ? kernelName.binary : undefined;
    const kernelPath = named ?? findTool('linux.uml');
    if (!kernelPath) return { usable: false, why: `User-Mode Linux is not installed: ${UML_INSTALL_HINT}` };
    try {
      const guest = await probe(kernelPath);
      const proof = `it booted and ran a process${guest.xstateFix.needed ? ", with the harness's ptrace fix for this CPU's large XSAVE state" : ''}`;
      return { usable: true, reason: `clusters are built inside User-Mode Linux ${guest.guestRelease} (${kernelPath}; ${proof})`, guest: { ...guest, modulesDir } };
    } catch (error) {
      if (error instanceof GuestUnusableError) return { usable: false, why: error.message };
      throw error;
    }
  },
};
