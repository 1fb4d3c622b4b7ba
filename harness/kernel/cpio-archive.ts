// The initramfs a QEMU guest boots from, as bytes: the kernel's "newc" cpio format
// (Documentation/driver-api/early-userspace/buffer-format.rst), written here because the
// archive is small (busybox, a script, a few modules) and Debian's base has no cpio. Pure.

export type CpioEntry =
  | { kind: 'folder'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Uint8Array | string; mode?: number }
  | { kind: 'symlink'; path: string; target: string };

const TYPE_FOLDER = 0o040000;
const TYPE_FILE = 0o100000;
const TYPE_SYMLINK = 0o120000;
const TRAILER = 'TRAILER!!!';

/** The archive of `entries`, in their order (a folder before what it holds), ending with the trailer. */
export function cpioArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let inode = 1;
  const seen = new Set<string>();
  for (const entry of entries) {
    const path = entry.path.replace(/^\/+/, '');
    if (!path || path.split('/').includes('..')) throw new TypeError(`cpio: a path must be relative and stay inside the archive, got ${JSON.stringify(entry.path)}`);
    if (seen.has(path)) throw new TypeError(`cpio: ${path} is in the archive twice`);
    seen.add(path);
    const [mode, data] =
      entry.kind === 'folder'
        ? [TYPE_FOLDER | (entry.mode ?? 0o755), Buffer.alloc(0)]
        : entry.kind === 'symlink'
          ? [TYPE_SYMLINK | 0o777, Buffer.from(entry.target)]
          : [TYPE_FILE | (entry.mode ?? 0o644), Buffer.from(entry.data)];
    parts.push(record(path, mode, data, inode++, entry.kind === 'folder' ? 2 : 1));
  }
  parts.push(record(TRAILER, 0, Buffer.alloc(0), 0, 1));
  return Buffer.concat(parts);
}

/** One header, name and data, each padded to four bytes as the format requires. */
function record(name: string, mode: number, data: Buffer, inode: number, links: number): Buffer {
  const nameBytes = Buffer.from(`${name}\0`);
  const fields = [inode, mode, 0, 0, links, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
  const header = Buffer.from(`070701${fields.map((field) => field.toString(16).padStart(8, '0')).join('')}`);
  return Buffer.concat([header, nameBytes, padding(header.length + nameBytes.length), data, padding(data.length)]);
}

function padding(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

/** The entries of an archive (the tests read back what they wrote; the kernel is the real reader). */
export function readCpioArchive(archive: Buffer): Array<{ path: string; mode: number; data: Buffer }> {
  const entries: Array<{ path: string; mode: number; data: Buffer }> = [];
  let offset = 0;
  for (;;) {
    const magic = archive.subarray(offset, offset + 6).toString();
    if (magic !== '070701') throw new TypeError(`cpio: no newc header at byte ${offset}`);
    const field = (index: number) => parseInt(archive.subarray(offset + 6 + index * 8, offset + 14 + index * 8).toString(), 16);
    const mode = field(1);
    const size = field(6);
    const nameSize = field(11);
    const nameStart = offset + 110;
    const path = archive.subarray(nameStart, nameStart + nameSize - 1).toString();
    const dataStart = nameStart + nameSize + ((4 - ((110 + nameSize) % 4)) % 4);
    if (path === TRAILER) return entries;
    entries.push({ path, mode, data: archive.subarray(dataStart, dataStart + size) });
    offset = dataStart + size + ((4 - (size % 4)) % 4);
  }
}
