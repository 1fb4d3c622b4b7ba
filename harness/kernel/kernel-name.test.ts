import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bzImageRelease, describeKernelName, KernelNameError, newestKernelPackage, parseKernelName, placementsFor, type KernelName } from './kernel-name.js';

/** A file that looks to the parser like a bzImage: the boot header's magic and a kernel_version pointer to `version`. */
function fakeBzImage(version: string | undefined, pointer = 0x300): Buffer {
  const image = Buffer.alloc(0x800);
  image.write('HdrS', 0x202, 'latin1');
  if (version !== undefined) {
    image.writeUInt16LE(pointer, 0x20e);
    image.write(version, pointer + 0x200, 'latin1');
  }
  return image;
}

describe('what --kernel names', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'lvsh-kernel-name-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it.each<[string, KernelName]>([
    ['host', { kind: 'host' }],
    ['uml', { kind: 'uml' }],
    ['debian:6.1', { kind: 'debian', series: '6.1' }],
    ['debian:6.12', { kind: 'debian', series: '6.12' }],
    ['debian:6.1.0-57-amd64', { kind: 'debian', series: '6.1', release: '6.1.0-57-amd64' }],
    ['debian:6.12.117+deb12-amd64', { kind: 'debian', series: '6.12', release: '6.12.117+deb12-amd64' }],
    ['debian:6.12.117+deb12', { kind: 'debian', series: '6.12', release: '6.12.117+deb12-amd64' }],
    ['debian:6.1.0-57', { kind: 'debian', series: '6.1', release: '6.1.0-57-amd64' }],
  ])('reads %s', (value, expected) => {
    expect(parseKernelName(value)).toEqual(expected);
  });

  it.each(['debian:latest', 'debian:6', 'debian:bookworm', 'debian:6.x'])('refuses %s with a KernelNameError that says what may follow debian:', (value) => {
    expect(() => parseKernelName(value)).toThrow(KernelNameError);
    expect(() => parseKernelName(value)).toThrow(/after debian: comes a series/);
  });

  it('refuses debian: with nothing after it (read as a path that does not exist)', () => {
    expect(() => parseKernelName('debian:')).toThrow(KernelNameError);
  });

  it('refuses a path that does not exist, naming what --kernel takes', () => {
    const missing = join(folder, 'no-such-kernel');
    expect(() => parseKernelName(missing)).toThrow(KernelNameError);
    expect(() => parseKernelName(missing)).toThrow(/no such file, and not a kernel name \(host, uml/);
  });

  it('refuses a folder', () => {
    expect(() => parseKernelName(folder)).toThrow(/is not a file/);
  });

  it('reads an ELF file as a User-Mode Linux binary, by its absolute path', async () => {
    const path = join(folder, 'linux');
    await writeFile(path, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(64)]));
    expect(parseKernelName(path)).toEqual({ kind: 'uml', binary: path });
  });

  it("reads a bzImage and its release from the boot header's version string", async () => {
    const path = join(folder, 'vmlinuz-test');
    await writeFile(path, fakeBzImage('6.12.9-test (me@box) #1 SMP PREEMPT_DYNAMIC'));
    expect(parseKernelName(path)).toEqual({ kind: 'image', path, release: '6.12.9-test' });
    expect(bzImageRelease(path)).toBe('6.12.9-test');
  });

  it('follows the pointer wherever it points', async () => {
    const path = join(folder, 'vmlinuz-elsewhere');
    await writeFile(path, fakeBzImage('6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1 SMP', 0x420));
    expect(bzImageRelease(path)).toBe('6.1.0-57-amd64');
  });

  it('reads a bzImage without a version pointer as an image of unknown release', async () => {
    const path = join(folder, 'vmlinuz-noversion');
    await writeFile(path, fakeBzImage(undefined));
    expect(parseKernelName(path)).toEqual({ kind: 'image', path, release: undefined });
  });

  it('refuses a file that is neither ELF nor a bzImage', async () => {
    const path = join(folder, 'notes.txt');
    await writeFile(path, 'just some text, not a kernel\n'.repeat(100));
    expect(() => parseKernelName(path)).toThrow(KernelNameError);
    expect(() => parseKernelName(path)).toThrow(/neither a User-Mode Linux binary \(ELF\) nor a bzImage/);
  });

  it('refuses an empty file', async () => {
    const path = join(folder, 'empty');
    await writeFile(path, '');
    expect(() => parseKernelName(path)).toThrow(KernelNameError);
  });

  // A file cut short inside the boot header has 'HdrS' but no kernel_version field.
  it('reads a file cut short inside the boot header without a RangeError', async () => {
    const path = join(folder, 'truncated');
    await writeFile(path, fakeBzImage(undefined).subarray(0, 0x208));
    expect(() => parseKernelName(path)).not.toThrow(RangeError);
  });

  it.each<[KernelName, string[]]>([
    [{ kind: 'host' }, ['host']],
    [{ kind: 'uml' }, ['uml']],
    [{ kind: 'uml', binary: '/opt/linux' }, ['uml']],
    [{ kind: 'debian', series: '6.12' }, ['qemu-kvm', 'qemu-tcg']],
    [{ kind: 'image', path: '/boot/vmlinuz' }, ['qemu-kvm', 'qemu-tcg']],
  ])('boots %j in the placements %j', (name, placements) => {
    expect(placementsFor(name)).toEqual(placements);
  });

  it.each<[KernelName, string]>([
    [{ kind: 'host' }, 'host'],
    [{ kind: 'uml' }, 'uml'],
    [{ kind: 'uml', binary: '/opt/linux' }, '/opt/linux'],
    [{ kind: 'debian', series: '6.12' }, 'debian:6.12'],
    [{ kind: 'debian', series: '6.1', release: '6.1.0-57-amd64' }, 'debian:6.1.0-57-amd64'],
    [{ kind: 'image', path: '/boot/vmlinuz-6.12.1', release: '6.12.1' }, '/boot/vmlinuz-6.12.1'],
  ])('describes %j as %s, which --kernel reads back', (name, text) => {
    expect(describeKernelName(name)).toBe(text);
    if (name.kind !== 'image' && !(name.kind === 'uml' && name.binary)) expect(parseKernelName(text)).toEqual(name);
  });
});

describe("the newest Debian kernel package of a series", () => {
  const PACKAGES = [
    'linux-image-6.1.0-47-amd64',
    'linux-image-6.1.0-57-amd64',
    'linux-image-6.1.0-9-amd64',
    'linux-image-6.1.0-57-cloud-amd64',
    'linux-image-6.1.0-57-rt-amd64',
    'linux-image-6.1.0-57-amd64-dbg',
    'linux-image-6.1.0-57-amd64-unsigned',
    'linux-image-6.12-amd64',
    'linux-image-6.12.117+deb12-amd64',
    'linux-image-6.12.99+deb12-amd64',
    'linux-image-6.12.117+deb12-cloud-amd64',
    'linux-image-amd64',
    'linux-image-cloud-amd64',
  ];

  it('picks the highest ABI of 6.1, by number not text (57 over 9 and 47)', () => {
    expect(newestKernelPackage(PACKAGES, '6.1')).toBe('linux-image-6.1.0-57-amd64');
  });

  it('picks the highest upload of 6.12 (117 over 99), not its meta-package or cloud flavour', () => {
    expect(newestKernelPackage(PACKAGES, '6.12')).toBe('linux-image-6.12.117+deb12-amd64');
  });

  it('finds nothing for a series the archive does not have', () => {
    expect(newestKernelPackage(PACKAGES, '5.10')).toBeUndefined();
    expect(newestKernelPackage([], '6.1')).toBeUndefined();
  });

  it('never takes 6.12 for 6.1, even when only 6.12 is there', () => {
    const only612 = PACKAGES.filter((name) => !name.startsWith('linux-image-6.1.'));
    expect(newestKernelPackage(only612, '6.1')).toBeUndefined();
    expect(newestKernelPackage(['linux-image-6.12.117+deb12-amd64', 'linux-image-6.1.0-9-amd64'], '6.1')).toBe('linux-image-6.1.0-9-amd64');
  });

  it('takes only the generic flavour: a series with only cloud and rt images has none', () => {
    expect(newestKernelPackage(['linux-image-6.1.0-57-cloud-amd64', 'linux-image-6.1.0-57-rt-amd64', 'linux-image-6.1.0-57-amd64-dbg'], '6.1')).toBeUndefined();
  });

  it("does not read the series' dot as any character", () => {
    expect(newestKernelPackage(['linux-image-6x1.0-57-amd64', 'linux-image-6.1.0-9-amd64'], '6.1')).toBe('linux-image-6.1.0-9-amd64');
  });
});
