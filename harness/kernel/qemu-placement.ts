// QEMU as two placements, one per accelerator: with KVM (near native speed, where the host's
// /dev/kvm runs stock kernels) and with TCG (QEMU's own CPU emulation: slower than UML here,
// but it runs on any x86-64 host and any kernel). Each boots the kernel the user named, or
// Debian's 6.1 when none was, once (cached per machine) to know that it runs a process.
import { accessSync, constants, existsSync } from 'node:fs';
import { findTool } from '../process/find-tool.js';
import { bootableKernel } from './debian-kernels.js';
import type { KernelName } from './kernel-name.js';
import type { Placement } from './placement.js';
import type { QemuAccelerator } from './qemu-arguments.js';
import { QEMU_INSTALL_HINT, qemuBackend, qemuLabel } from './qemu-backend.js';
import { BUSYBOX_INSTALL_HINT } from './qemu-initramfs.js';
import { probeQemu, qemuProbeCacheFile, qemuProbeKey } from './probe-qemu.js';

/** The kernel a QEMU placement boots when the user named none. */
export const DEFAULT_QEMU_KERNEL: KernelName = { kind: 'debian', series: '6.1' };

function qemuPlacement(accelerator: QemuAccelerator): Placement {
  const label = qemuLabel(accelerator);
  return {
    name: `qemu-${accelerator}`,
    label,
    backend: qemuBackend(accelerator),
    async assess({ kernelName, modulesDir, runner, onProgress }) {
      const qemu = findTool('qemu-system-x86_64');
      if (!qemu) return { usable: false, why: `QEMU is not installed: ${QEMU_INSTALL_HINT}` };
      if (!findTool('busybox')) return { usable: false, why: `the initramfs needs busybox: ${BUSYBOX_INSTALL_HINT}` };
      if (accelerator === 'kvm') {
        const why = kvmUnavailable();
        if (why) return { usable: false, why };
      }
      const name = kernelName?.kind === 'debian' || kernelName?.kind === 'image' ? kernelName : (DEFAULT_QEMU_KERNEL as Extract<KernelName, { kind: 'debian' }>);
      let kernel;
      try {
        kernel = await bootableKernel(name, { runner, onProgress, modulesDir });
      } catch (error) {
        return { usable: false, why: `no kernel to boot: ${(error as Error).message}` };
      }
      const key = qemuProbeKey(qemu, kernel.image, accelerator);
      // Said only when it boots: a cached answer costs nothing to wait for.
      if (!existsSync(qemuProbeCacheFile(key))) onProgress?.(`${label}: does ${kernel.release} boot to a process here? (once per machine)`);
      const probe = await probeQemu(accelerator, kernel, { key });
      if (!probe.works) return { usable: false, why: `${probe.why}${probe.cached ? ' (cached answer)' : ''}` };
      const guest = { kernelPath: kernel.image, modulesDir: kernel.modulesDir, guestRelease: probe.guestRelease, bootMs: probe.bootMs, cached: probe.cached, origin: kernel.origin };
      return { usable: true, reason: `clusters are built inside ${label}, kernel ${probe.guestRelease} (${kernel.origin}; it booted and ran a process in ${(probe.bootMs / 1000).toFixed(1)} s)`, guest };
    },
  };
}

/** Why KVM cannot be asked at all (no device, no access), or undefined when a boot must tell. */
function kvmUnavailable(): string | undefined {
  if (!existsSync('/dev/kvm')) return 'no /dev/kvm: this host has no hardware virtualization for QEMU';
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return undefined;
  } catch {
    return '/dev/kvm is not readable and writable by this user';
  }
}

export const qemuKvmPlacement = qemuPlacement('kvm');
export const qemuTcgPlacement = qemuPlacement('tcg');
