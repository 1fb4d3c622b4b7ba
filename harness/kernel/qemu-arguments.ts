// The QEMU command line of one guest: a stock x86-64 kernel booted directly (-kernel, no
// firmware disk), its initramfs, the host's root shared read-only and the exchange folder and
// the job's write folders read-write over 9p, the first serial line as the console (the
// host's stdout), the second as the command's stderr. Pure.

export type QemuAccelerator = 'kvm' | 'tcg';

export interface QemuGuestSpec {
  accelerator: QemuAccelerator;
  image: string;
  initramfs: string;
  memoryMb: number;
  cpus: number;
  exchange: string;
  /** Host folders the guest writes to, shared as tags w0, w1, ... in this order (qemu-init.sh mounts them so). */
  writeFolders: readonly string[];
  /** The Unix socket the host listens on for the second serial line (the command's stderr). */
  errorSocket: string;
  /** A person at the console: the first serial line reads this process's stdin. */
  interactive: boolean;
}

/** The 9p tag of the i-th write folder, as qemu-init.sh names it. */
export function writeShareTag(index: number): string {
  return `w${index}`;
}

/** The arguments of qemu-system-x86_64 for one guest. */
export function qemuArguments(spec: QemuGuestSpec): string[] {
  const share = (path: string, tag: string, readonly: boolean) => [
    '-virtfs',
    // security_model=none: the guest's root writes as the QEMU process (root), and ownership
    // changes it cannot make on the host are not errors. multidevs=remap: the host's mounts
    // below a share (its /proc, /sys, /run ...) each start at inode 1, and without it the
    // guest takes them for one folder (a proc mounted on /proc appears on /sys too). A comma
    // in a path is doubled (QEMU's escape).
    `local,path=${path.replaceAll(',', ',,')},mount_tag=${tag},security_model=none,multidevs=remap${readonly ? ',readonly=on' : ''}`,
  ];
  const kernelCommandLine = [
    'console=ttyS0',
    'quiet',
    // A panic reboots at once, and -no-reboot makes that QEMU's exit: a panic never hangs.
    'panic=-1',
    // No time lost looking for hardware a directly booted guest does not have.
    'i8042.noaux', 'i8042.nokbd',
    `lvsh_exchange=${spec.exchange}`,
  ];
  return [
    '-nodefaults',
    '-no-user-config',
    '-no-reboot',
    '-display', 'none',
    ...(spec.accelerator === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg,thread=multi', '-cpu', 'max']),
    '-smp', String(spec.cpus),
    '-m', `${spec.memoryMb}M`,
    '-kernel', spec.image,
    '-initrd', spec.initramfs,
    '-append', kernelCommandLine.join(' '),
    '-chardev', `stdio,id=console,signal=off`,
    '-serial', 'chardev:console',
    // A socket of the host's: QEMU cannot open our stderr again when it is a socket (execa's pipes are).
    '-chardev', `socket,id=errors,path=${spec.errorSocket.replaceAll(',', ',,')}`,
    '-serial', 'chardev:errors',
    ...share('/', 'hostroot', true),
    ...share(spec.exchange, 'exchange', false),
    ...spec.writeFolders.flatMap((folder, index) => share(folder, writeShareTag(index), false)),
  ];
}
