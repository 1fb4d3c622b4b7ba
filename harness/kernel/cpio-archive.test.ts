import { describe, expect, it } from 'vitest';
import { cpioArchive, readCpioArchive, type CpioEntry } from './cpio-archive.js';

const TYPE_MASK = 0o170000;

/** Walks the archive's records as the kernel does, by the newc header fields, noting where each part starts. */
function records(archive: Buffer): Array<{ headerAt: number; dataAt: number; name: string; mode: number; size: number; magic: string }> {
  const found: Array<{ headerAt: number; dataAt: number; name: string; mode: number; size: number; magic: string }> = [];
  let offset = 0;
  while (offset < archive.length) {
    const magic = archive.subarray(offset, offset + 6).toString('latin1');
    const field = (index: number) => parseInt(archive.subarray(offset + 6 + index * 8, offset + 14 + index * 8).toString('latin1'), 16);
    const nameSize = field(11);
    const size = field(6);
    const name = archive.subarray(offset + 110, offset + 110 + nameSize - 1).toString();
    const nameEnd = offset + 110 + nameSize;
    const dataAt = nameEnd + ((4 - (nameEnd % 4)) % 4);
    found.push({ headerAt: offset, dataAt, name, mode: field(1), size, magic });
    const dataEnd = dataAt + size;
    offset = dataEnd + ((4 - (dataEnd % 4)) % 4);
  }
  return found;
}

const ENTRIES: CpioEntry[] = [
  { kind: 'folder', path: 'bin' },
  { kind: 'folder', path: 'secret', mode: 0o700 },
  { kind: 'file', path: 'bin/busybox', data: new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]), mode: 0o755 },
  { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
  { kind: 'file', path: 'init', data: '#!/bin/sh\necho hi\n', mode: 0o755 },
  { kind: 'file', path: 'secret/notes', data: 'ab' },
  { kind: 'file', path: 'empty', data: '' },
];

describe('the initramfs cpio archive', () => {
  it('reads back folders, files with their modes and data, and symlinks with their targets, in order', () => {
    const entries = readCpioArchive(cpioArchive(ENTRIES));
    expect(entries.map((entry) => ({ path: entry.path, mode: entry.mode.toString(8), data: entry.data.toString('latin1') }))).toEqual([
      { path: 'bin', mode: '40755', data: '' },
      { path: 'secret', mode: '40700', data: '' },
      { path: 'bin/busybox', mode: '100755', data: '\x7fELF\x01\x02\x03' },
      { path: 'bin/sh', mode: '120777', data: 'busybox' },
      { path: 'init', mode: '100755', data: '#!/bin/sh\necho hi\n' },
      { path: 'secret/notes', mode: '100644', data: 'ab' },
      { path: 'empty', mode: '100644', data: '' },
    ]);
    expect(entries.find((entry) => entry.path === 'bin/busybox')!.data).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]));
  });

  it('writes the newc format: every record starts with magic 070701 and 13 eight-digit hex fields', () => {
    const archive = cpioArchive(ENTRIES);
    const all = records(archive);
    expect(all).toHaveLength(ENTRIES.length + 1);
    for (const record of all) {
      expect(record.magic).toBe('070701');
      expect(archive.subarray(record.headerAt + 6, record.headerAt + 110).toString('latin1')).toMatch(/^[0-9a-f]{104}$/);
    }
  });

  it('aligns every header and every data part to four bytes, whatever the name and data lengths', () => {
    // Names and data of lengths 1..8 hit every remainder modulo four.
    const entries: CpioEntry[] = Array.from({ length: 8 }, (_, index) => ({ kind: 'file', path: 'n'.repeat(index + 1), data: 'd'.repeat(index + 1) }));
    const archive = cpioArchive(entries);
    const all = records(archive);
    expect(all.map((record) => record.name)).toEqual([...entries.map((entry) => entry.path), 'TRAILER!!!']);
    for (const record of all) {
      expect(record.headerAt % 4).toBe(0);
      expect(record.dataAt % 4).toBe(0);
    }
    expect(archive.length % 4).toBe(0);
    expect(readCpioArchive(archive).map((entry) => entry.data.toString())).toEqual(entries.map((entry) => (entry as { data: string }).data));
  });

  it('ends with the TRAILER!!! record, after every entry, and nothing after it', () => {
    const archive = cpioArchive(ENTRIES);
    const all = records(archive);
    const last = all.at(-1)!;
    expect(last.name).toBe('TRAILER!!!');
    expect(last.size).toBe(0);
    expect(all.filter((record) => record.name === 'TRAILER!!!')).toHaveLength(1);
    expect(archive.length).toBe(last.dataAt);
  });

  it('ends an empty archive with the trailer alone', () => {
    const archive = cpioArchive([]);
    expect(records(archive).map((record) => record.name)).toEqual(['TRAILER!!!']);
    expect(readCpioArchive(archive)).toEqual([]);
  });

  it('gives folders, files and symlinks their file type bits', () => {
    const byPath = new Map(readCpioArchive(cpioArchive(ENTRIES)).map((entry) => [entry.path, entry.mode & TYPE_MASK]));
    expect(byPath.get('bin')).toBe(0o040000);
    expect(byPath.get('init')).toBe(0o100000);
    expect(byPath.get('bin/sh')).toBe(0o120000);
  });

  it.each(['..', '../etc/passwd', 'bin/../../etc', '/../etc', '/', ''])('refuses the path %j, which leaves the archive or names nothing', (path) => {
    expect(() => cpioArchive([{ kind: 'file', path, data: 'x' }])).toThrow(TypeError);
    expect(() => cpioArchive([{ kind: 'file', path, data: 'x' }])).toThrow(/must be relative and stay inside the archive/);
  });

  it('refuses an entry twice, naming it, also when one spelling has a leading slash', () => {
    expect(() => cpioArchive([{ kind: 'folder', path: 'bin' }, { kind: 'file', path: 'bin', data: '' }])).toThrow('cpio: bin is in the archive twice');
    expect(() => cpioArchive([{ kind: 'folder', path: 'bin' }, { kind: 'folder', path: '/bin' }])).toThrow('cpio: bin is in the archive twice');
  });

  it('stores a leading-slash path relative to the archive root (the kernel unpacks it into its rootfs)', () => {
    expect(readCpioArchive(cpioArchive([{ kind: 'folder', path: '/bin' }])).map((entry) => entry.path)).toEqual(['bin']);
  });

  it('reports a damaged archive instead of reading garbage', () => {
    const archive = cpioArchive(ENTRIES);
    expect(() => readCpioArchive(Buffer.concat([Buffer.from('0707'), archive]))).toThrow(/no newc header at byte 0/);
  });
});
