// What `--kernel` may name, read into one of a few kinds: the running kernel, User-Mode Linux
// (Debian's or a binary of one), a Debian kernel by series or release, or a bzImage of the
// user's own. Each kind says which placements can boot it. Pure but for reading a file's
// first bytes to tell a UML binary (ELF) from a bzImage.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export type KernelName =
  | { kind: 'host' }
  | { kind: 'uml'; binary?: string }
  | { kind: 'debian'; series: string; release?: string }
  | { kind: 'image'; path: string; release?: string };

export class KernelNameError extends Error {
  override name = 'KernelNameError';
}

export const KERNEL_NAME_HELP = 'host, uml, a User-Mode Linux binary, debian:SERIES (debian:6.1, debian:6.12: the newest image of that series in the archive), debian:RELEASE (debian:6.1.0-57-amd64) or a bzImage';

/** Reads a `--kernel` value; throws KernelNameError naming what is wrong with it. */
export function parseKernelName(value: string): KernelName {
  if (value === 'host') return { kind: 'host' };
  if (value === 'uml') return { kind: 'uml' };
  const debian = /^debian:(.*)$/.exec(value);
  if (debian) {
    const wanted = debian[1]!;
    if (/^\d+\.\d+$/.test(wanted)) return { kind: 'debian', series: wanted };
    const release = /^(\d+\.\d+)[.-][0-9A-Za-z.+~-]+$/.exec(wanted);
    if (!release) throw new KernelNameError(`--kernel ${value}: after debian: comes a series (6.1, 6.12) or a release (6.1.0-57-amd64, 6.12.117+deb12-amd64)`);
    return { kind: 'debian', series: release[1]!, release: wanted.endsWith('-amd64') ? wanted : `${wanted}-amd64` };
  }
  const path = resolve(value);
  if (!existsSync(path)) throw new KernelNameError(`--kernel ${value}: no such file, and not a kernel name (${KERNEL_NAME_HELP})`);
  if (!statSync(path).isFile()) throw new KernelNameError(`--kernel ${value}: is not a file`);
  const head = readHead(path, 0x400);
  if (head.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) return { kind: 'uml', binary: path };
  if (head.subarray(0x202, 0x206).toString('latin1') === 'HdrS') return { kind: 'image', path, release: bzImageRelease(path, head) };
  throw new KernelNameError(`--kernel ${value}: neither a User-Mode Linux binary (ELF) nor a bzImage (no "HdrS" boot header)`);
}

/** The placements that can boot what a name names, by their names (placements.ts). */
export function placementsFor(name: KernelName): string[] {
  switch (name.kind) {
    case 'host':
      return ['host'];
    case 'uml':
      return ['uml'];
    case 'debian':
    case 'image':
      return ['qemu-kvm', 'qemu-tcg'];
  }
}

/** How reports name it, as `--kernel` takes it: "host", "uml", "debian:6.12", "/boot/vmlinuz-6.12.1". */
export function describeKernelName(name: KernelName): string {
  switch (name.kind) {
    case 'host':
      return 'host';
    case 'uml':
      return name.binary ?? 'uml';
    case 'debian':
      return `debian:${name.release ?? name.series}`;
    case 'image':
      return name.path;
  }
}

/**
 * The release a bzImage says it is: the boot header's kernel_version field (0x20e) points at
 * the version string, 0x200 bytes later in the file ("6.12.1 (user@host) #1 SMP ...").
 */
export function bzImageRelease(path: string, head = readHead(path, 0x400)): string | undefined {
  if (head.length < 0x210) return undefined;
  const pointer = head.readUInt16LE(0x20e);
  if (pointer === 0) return undefined;
  const text = readHead(path, pointer + 0x200 + 256).subarray(pointer + 0x200).toString('latin1');
  return /^(\S+)/.exec(text)?.[1];
}

function readHead(path: string, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    const read = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * The newest Debian kernel image package of a series among package names (apt-cache
 * pkgnames): linux-image-6.1.0-57-amd64 beats -56; linux-image-6.12.117+deb12-amd64 beats
 * 6.12.99. Only the generic amd64 flavour: not cloud, rt, dbg, unsigned or the meta-packages.
 */
export function newestKernelPackage(packageNames: readonly string[], series: string): string | undefined {
  const pattern = new RegExp(`^linux-image-(${series.replace('.', '\\.')}[.-][0-9][0-9A-Za-z.+~-]*)-amd64$`);
  const candidates = packageNames
    .map((name) => ({ name, release: pattern.exec(name)?.[1] }))
    .filter((entry): entry is { name: string; release: string } => entry.release !== undefined && !/(cloud|rt|dbg|unsigned)/.test(entry.release));
  candidates.sort((a, b) => compareNumbers(numbersIn(b.release), numbersIn(a.release)));
  return candidates[0]?.name;
}

function numbersIn(text: string): number[] {
  return (text.match(/\d+/g) ?? []).map(Number);
}

function compareNumbers(a: number[], b: number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? -1) - (b[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}
