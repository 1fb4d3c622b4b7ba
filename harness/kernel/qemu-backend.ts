// The QEMU backend: a stock distro kernel (Debian's, or the user's bzImage) booted in a
// virtual machine, with KVM where the host has working hardware virtualization and TCG (QEMU's
// own CPU emulation, slower, anywhere) otherwise. Its initramfs (qemu-initramfs.ts) mounts
// the host's root read-only over 9p and hands over to qemu-init.sh, which mounts what the
// job shares; the modules come from the kernel's own modules folder.
import { copyFile, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../package-root.js';
import { findTool, MissingToolError } from '../process/find-tool.js';
import { superviseGuestProcess } from './guest-process.js';
import type { GuestBackend, GuestSession } from './guest-job.js';
import { qemuArguments, type QemuAccelerator } from './qemu-arguments.js';
import { buildInitramfs } from './qemu-initramfs.js';

export const QEMU_INSTALL_HINT = 'apt-get install -y qemu-system-x86 busybox-static (or bash scripts/setup.sh)';

/** The QEMU binary, or an error naming the package. */
export function qemuBinary(): string {
  const found = findTool('qemu-system-x86_64');
  if (!found) throw new MissingToolError(`QEMU is not installed: ${QEMU_INSTALL_HINT}`);
  return found;
}

export function qemuLabel(accelerator: QemuAccelerator): string {
  return accelerator === 'kvm' ? 'QEMU with KVM' : 'QEMU with TCG';
}

/** Two virtual CPUs under TCG (thread=multi runs them on two host threads); as many as the host's under KVM, at most 4. */
function guestCpus(accelerator: QemuAccelerator, available: number): number {
  return accelerator === 'kvm' ? Math.max(1, Math.min(4, available)) : Math.max(1, Math.min(2, available));
}

export function qemuBackend(accelerator: QemuAccelerator): GuestBackend<object> {
  const label = qemuLabel(accelerator);
  return {
    name: `qemu-${accelerator}`,
    label,
    async boot(session: GuestSession) {
      const { job, exchange, interactive } = session;
      if (!job.kernel || !job.modulesDir) throw new MissingToolError(`${label} needs a kernel image and its modules folder (--kernel debian:6.12, or a bzImage with --modules DIR)`);
      const binary = qemuBinary();
      await writeFile(join(exchange, 'modules-dir'), job.modulesDir);
      await copyFile(packagePath('harness', 'kernel', 'qemu-init.sh'), join(exchange, 'init.sh'));
      const errorSocket = await listenForErrorConsole(join(exchange, 'errors.sock'), session);
      const initramfs = join(exchange, 'initramfs.cpio');
      await writeFile(initramfs, await buildInitramfs(job.modulesDir));
      const args = qemuArguments({
        accelerator,
        image: job.kernel,
        initramfs,
        memoryMb: session.memoryMb,
        cpus: guestCpus(accelerator, availableParallelism()),
        exchange,
        errorSocket: errorSocket.path,
        writeFolders: [...new Set(job.shares?.write ?? [])],
        interactive,
      });
      const end = await superviseGuestProcess({
        command: binary,
        args,
        env: process.env,
        interactive,
        console: session.console,
        timeoutMs: session.timeoutMs,
        undo: session.undo,
        undoLabel: `kill the ${label} guest`,
      }).finally(() => errorSocket.close());
      return { end, extra: {}, likelyCause: likelyQemuCause(end.consoleTail, accelerator) };
    },
  };
}

/** A Unix socket QEMU connects its second serial line to; what comes is the guest's error console. */
async function listenForErrorConsole(path: string, session: GuestSession): Promise<{ path: string; close: () => void }> {
  const connections = new Set<Socket>();
  const server = createServer((socket) => {
    connections.add(socket);
    socket.setEncoding('utf8').on('data', (chunk: string) => session.console.acceptErrorConsole(chunk));
    socket.on('error', () => undefined).on('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
  return {
    path,
    close: () => {
      for (const socket of connections) socket.destroy();
      server.close();
    },
  };
}

/** What a console that stops early probably means. */
function likelyQemuCause(tail: string, accelerator: QemuAccelerator): string | undefined {
  if (accelerator === 'kvm' && tail.trim() === '') {
    return "the kernel printed nothing under KVM: this host's /dev/kvm may not run stock kernels (a PVM host's runs only kernels built for PVM); LVS_HARNESS_KERNEL=qemu-tcg runs it under TCG";
  }
  if (/cannot mount the host's root/.test(tail)) return 'the 9p share of the host root did not mount: the kernel may lack 9p over virtio';
  return undefined;
}
