import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cpioArchive, readCpioArchive } from './cpio-archive.js';
import { INITRAMFS_APPLETS, INITRAMFS_MODULES, initramfsEntries } from './qemu-initramfs.js';

const TYPE_MASK = 0o170000;
const BUSYBOX = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.from('a static busybox, 5 bytes short of 1 MB')]);
const INIT = '#!/bin/sh\nmount -t proc proc /proc\nexec switch_root /newroot /bin/sh /x/init.sh\n';
const MODULES = [
  { name: 'virtio.ko', data: Buffer.from('virtio module bytes') },
  { name: '9p.ko', data: Buffer.from([0, 1, 2, 3, 4, 255]) },
];

function archived() {
  return new Map(readCpioArchive(cpioArchive(initramfsEntries(BUSYBOX, INIT, MODULES))).map((entry) => [entry.path, entry]));
}

describe("the QEMU guest's initramfs", () => {
  it('holds busybox, executable, with its bytes', () => {
    const busybox = archived().get('bin/busybox')!;
    expect(busybox.mode & TYPE_MASK).toBe(0o100000);
    expect(busybox.mode & 0o111).toBe(0o111);
    expect(busybox.data).toEqual(BUSYBOX);
  });

  it('links every applet the init calls to busybox', () => {
    const entries = archived();
    for (const applet of INITRAMFS_APPLETS) {
      const link = entries.get(`bin/${applet}`);
      expect(link, `bin/${applet}`).toBeDefined();
      expect(link!.mode & TYPE_MASK, `bin/${applet} is a symlink`).toBe(0o120000);
      expect(link!.data.toString()).toBe('busybox');
    }
  });

  it('runs the given init, executable, as /init', () => {
    const init = archived().get('init')!;
    expect(init.mode & TYPE_MASK).toBe(0o100000);
    expect(init.mode & 0o111).toBe(0o111);
    expect(init.data.toString()).toBe(INIT);
  });

  it('holds each module and their load order, in the order given', () => {
    const entries = archived();
    expect(entries.get('modules/order')!.data.toString()).toBe('virtio.ko\n9p.ko\n');
    expect(entries.get('modules/virtio.ko')!.data).toEqual(MODULES[0]!.data);
    expect(entries.get('modules/9p.ko')!.data).toEqual(MODULES[1]!.data);
    const reversed = new Map(readCpioArchive(cpioArchive(initramfsEntries(BUSYBOX, INIT, [...MODULES].reverse()))).map((entry) => [entry.path, entry]));
    expect(reversed.get('modules/order')!.data.toString()).toBe('9p.ko\nvirtio.ko\n');
  });

  it('has an empty load order when the kernel builds every module in', () => {
    const entries = new Map(readCpioArchive(cpioArchive(initramfsEntries(BUSYBOX, INIT, []))).map((entry) => [entry.path, entry]));
    expect(entries.get('modules/order')!.data.toString()).toBe('');
  });

  it('has the mount points the init uses, each before what is in it', () => {
    const paths = readCpioArchive(cpioArchive(initramfsEntries(BUSYBOX, INIT, MODULES))).map((entry) => entry.path);
    for (const folder of ['bin', 'dev', 'proc', 'sys', 'newroot', 'modules']) expect(paths).toContain(folder);
    paths.forEach((path, index) => {
      const parent = path.split('/').slice(0, -1).join('/');
      if (parent) expect(paths.indexOf(parent), `${parent} before ${path}`).toBeLessThan(index);
    });
  });

  it('loads the PCI transport before 9p over virtio', () => {
    expect(INITRAMFS_MODULES.indexOf('virtio_pci')).toBeLessThan(INITRAMFS_MODULES.indexOf('9pnet_virtio'));
    expect(INITRAMFS_MODULES.indexOf('9pnet_virtio')).toBeLessThan(INITRAMFS_MODULES.indexOf('9p'));
  });
});

describe("the initramfs's init script", () => {
  const script = readFileSync(fileURLToPath(new URL('./qemu-initramfs-init.sh', import.meta.url)), 'utf8');

  // What ash runs without an applet in /bin.
  const SHELL_WORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'while', 'until', 'do', 'done', 'for', 'case', 'esac', '!', '{', '}', '[', '[[', 'test', 'read', 'export', 'exec', 'set', 'shift', 'cd', 'exit', 'return', 'local', 'true', 'false', ':', '.', 'trap', 'wait', 'unset', 'eval']);
  const PREFIXES = new Set(['if', 'then', 'else', 'elif', 'while', 'until', 'do', '!', 'exec']);

  /** The commands the script runs: the first word of each simple command, past keywords, `exec` and assignments. */
  function commandsIn(text: string): string[] {
    const functions = new Set([...text.matchAll(/^\s*([A-Za-z_]\w*)\s*\(\)/gm)].map((match) => match[1]!));
    const code = text
      .split('\n')
      .filter((line) => !/^\s*#/.test(line))
      .join('\n')
      .replace(/"(?:[^"\\]|\\.)*"/g, '""')
      .replace(/'[^']*'/g, "''")
      .replace(/\s#.*$/gm, '');
    const commands: string[] = [];
    for (const segment of code.split(/&&|\|\||[;|\n{}]|\(\)/)) {
      const words = segment.trim().split(/\s+/).filter(Boolean);
      while (words.length && (PREFIXES.has(words[0]!) || /^[A-Za-z_]\w*=/.test(words[0]!))) words.shift();
      const command = words[0];
      if (command && !SHELL_WORDS.has(command) && !functions.has(command)) commands.push(command);
    }
    return [...new Set(commands)];
  }

  it('is run by the sh applet', () => {
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(INITRAMFS_APPLETS).toContain('sh');
  });

  it('calls only applets the initramfs links', () => {
    const commands = commandsIn(script);
    const missing = commands.filter((command) => !(INITRAMFS_APPLETS as readonly string[]).includes(command));
    expect(missing).toEqual([]);
  });

  it('calls what it must to hand over to the host root: mount, insmod, umount, switch_root, and poweroff on failure', () => {
    const commands = commandsIn(script);
    for (const applet of ['mount', 'umount', 'insmod', 'switch_root', 'poweroff']) {
      expect(commands, applet).toContain(applet);
      expect(INITRAMFS_APPLETS).toContain(applet);
    }
  });

  it('reads the module load order the archive holds', () => {
    expect(script).toMatch(/<\s*\/modules\/order/);
    expect(script).toContain('insmod "/modules/$module"');
  });

  it('would see an applet the initramfs lacks (the check above can fail)', () => {
    expect(commandsIn(`${script}\nsleep 1 && modprobe 9p || { dmesg; }\n`)).toEqual(expect.arrayContaining(['sleep', 'modprobe', 'dmesg']));
  });
});
