// The QEMU guest's initramfs: busybox (static, from Debian's busybox-static), the few applets
// its init calls, the init (qemu-initramfs-init.sh), and the kernel's modules that reach the
// host (virtio-pci and 9p, with what they need, in load order), decompressed because
// busybox's insmod reads plain .ko files. Built per boot (a few MB, milliseconds): what goes
// in is a pure function of the kernel's module index; reading the files is the rest.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { packagePath } from '../package-root.js';
import { findTool, MissingToolError } from '../process/find-tool.js';
import { cpioArchive, type CpioEntry } from './cpio-archive.js';
import { moduleLoadOrder, parseModuleIndex } from './module-dependencies.js';

/** The modules the initramfs loads: the PCI transport, then 9p over virtio (each may be built in). */
export const INITRAMFS_MODULES = ['virtio_pci', '9pnet_virtio', '9p'] as const;

/** The busybox applets the initramfs's init calls, linked in /bin. */
export const INITRAMFS_APPLETS = ['sh', 'mount', 'umount', 'insmod', 'switch_root', 'poweroff', 'echo', 'cat', 'mkdir'] as const;

export const BUSYBOX_INSTALL_HINT = 'apt-get install -y busybox-static (or bash scripts/setup.sh)';

/** The archive's entries for a busybox binary, the init script and the modules, already read. Pure. */
export function initramfsEntries(busybox: Uint8Array, init: string, modules: ReadonlyArray<{ name: string; data: Uint8Array }>): CpioEntry[] {
  return [
    ...['bin', 'dev', 'proc', 'sys', 'newroot', 'modules'].map((path): CpioEntry => ({ kind: 'folder', path })),
    { kind: 'file', path: 'bin/busybox', data: busybox, mode: 0o755 },
    ...INITRAMFS_APPLETS.map((applet): CpioEntry => ({ kind: 'symlink', path: `bin/${applet}`, target: 'busybox' })),
    { kind: 'file', path: 'init', data: init, mode: 0o755 },
    ...modules.map((module): CpioEntry => ({ kind: 'file', path: `modules/${module.name}`, data: module.data })),
    { kind: 'file', path: 'modules/order', data: modules.map((module) => `${module.name}\n`).join('') },
  ];
}

/** The initramfs for the kernel whose modules folder is `modulesDir`. */
export async function buildInitramfs(modulesDir: string): Promise<Buffer> {
  const busybox = await staticBusybox();
  const index = parseModuleIndex(
    await readFile(join(modulesDir, 'modules.dep'), 'utf8').catch(() => {
      throw new MissingToolError(`no modules.dep in ${modulesDir}: run depmod on the kernel's modules (depmod -b ROOT RELEASE)`);
    }),
    await readFile(join(modulesDir, 'modules.builtin'), 'utf8').catch(() => ''),
  );
  const files = moduleLoadOrder(index, INITRAMFS_MODULES);
  const modules = await Promise.all(
    files.map(async (file) => ({ name: (file.split('/').pop() ?? file).replace(/\.(xz|gz|zst)$/, ''), data: await decompressedModule(join(modulesDir, file), busybox.path) })),
  );
  const init = await readFile(packagePath('harness', 'kernel', 'qemu-initramfs-init.sh'), 'utf8');
  return cpioArchive(initramfsEntries(busybox.data, init, modules));
}

/** Debian's static busybox: the initramfs has no libraries for a dynamic one. */
async function staticBusybox(): Promise<{ path: string; data: Buffer }> {
  const path = findTool('busybox') ?? '/bin/busybox';
  const data = await readFile(path).catch(() => undefined);
  if (!data) throw new MissingToolError(`busybox is not installed: ${BUSYBOX_INSTALL_HINT}`);
  // A dynamic one names its loader; the initramfs has none.
  if (data.includes('/lib64/ld-linux')) throw new MissingToolError(`${path} is linked dynamically and cannot run in the initramfs: ${BUSYBOX_INSTALL_HINT}`);
  return { path, data };
}

/** A module file as insmod needs it: .ko as is, .ko.gz with zlib, .ko.xz and .ko.zst through busybox's own decompressors. */
async function decompressedModule(path: string, busybox: string): Promise<Buffer> {
  if (path.endsWith('.gz')) return gunzipSync(await readFile(path));
  if (path.endsWith('.xz') || path.endsWith('.zst')) {
    const applet = path.endsWith('.xz') ? 'xzcat' : 'zstdcat';
    const result = await execa(busybox, [applet, path], { encoding: 'buffer', reject: false, timeout: 60_000 });
    if (result.exitCode !== 0) throw new MissingToolError(`cannot decompress ${path} with busybox ${applet}: ${Buffer.from(result.stderr ?? '').toString().trim() || `exit ${result.exitCode}`}`);
    return Buffer.from(result.stdout as Uint8Array);
  }
  return readFile(path);
}
