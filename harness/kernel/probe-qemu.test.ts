import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BootableKernel } from './debian-kernels.js';
import { probeQemu, qemuProbeCacheFile, type QemuProbeAnswer, type QemuProbeKey } from './probe-qemu.js';
import type { QemuAccelerator } from './qemu-arguments.js';

const KERNEL: BootableKernel = {
  image: '/var/cache/lvs-harness/debian/vmlinuz-6.12.117+deb12-amd64',
  modulesDir: '/var/cache/lvs-harness/debian/lib/modules/6.12.117+deb12-amd64',
  release: '6.12.117+deb12-amd64',
  origin: 'Debian linux-image-6.12.117+deb12-amd64 6.12.117-1~deb12u1',
};
const KEY: QemuProbeKey = {
  hostRelease: '6.18.44',
  cpu: 'Intel(R) Xeon(R) Processor; flags 0123456789ab',
  qemu: '/usr/bin/qemu-system-x86_64',
  qemuSize: 123456,
  qemuModified: 1700000000000,
  image: KERNEL.image,
  imageSize: 8_000_000,
  accelerator: 'kvm',
};

describe("the QEMU probe's cache", () => {
  let cacheFolder: string;
  let boots: Array<{ accelerator: QemuAccelerator; kernel: BootableKernel }>;
  const bootAnswering = (answer: (accelerator: QemuAccelerator) => QemuProbeAnswer) => async (accelerator: QemuAccelerator, kernel: BootableKernel) => {
    boots.push({ accelerator, kernel });
    return answer(accelerator);
  };
  const works = bootAnswering((accelerator) => ({ works: true, accelerator, guestRelease: KERNEL.release, bootMs: 1800 }));
  const hangs = bootAnswering((accelerator) => ({ works: false, accelerator, why: 'QEMU with KVM cannot boot 6.12.117+deb12-amd64 to a process here: no output within 30 s' }));

  beforeEach(async () => {
    cacheFolder = await mkdtemp(join(tmpdir(), 'lvsh-qemu-probe-'));
    boots = [];
  });
  afterEach(() => rm(cacheFolder, { recursive: true, force: true }));

  it('boots the first time and answers from the cache the second time, with the same answer', async () => {
    const first = await probeQemu('kvm', KERNEL, { cacheFolder, key: KEY, boot: works });
    expect(boots).toEqual([{ accelerator: 'kvm', kernel: KERNEL }]);
    expect(first).toEqual({ works: true, accelerator: 'kvm', guestRelease: KERNEL.release, bootMs: 1800, cached: false });
    const second = await probeQemu('kvm', KERNEL, { cacheFolder, key: KEY, boot: works });
    expect(boots).toHaveLength(1);
    expect(second).toEqual({ ...first, cached: true });
  });

  it('caches a no as well: a KVM that hangs costs its bound once', async () => {
    const first = await probeQemu('kvm', KERNEL, { cacheFolder, key: KEY, boot: hangs });
    expect(first).toMatchObject({ works: false, accelerator: 'kvm', cached: false });
    const second = await probeQemu('kvm', KERNEL, { cacheFolder, key: KEY, boot: hangs });
    expect(boots).toHaveLength(1);
    expect(second).toEqual({ ...first, cached: true });
    expect(second.works).toBe(false);
  });

  it('writes one cache file, named by the key, and leaves no partial file', async () => {
    await probeQemu('kvm', KERNEL, { cacheFolder, key: KEY, boot: works });
    expect(await readdir(cacheFolder)).toEqual([qemuProbeCacheFile(KEY, cacheFolder).split('/').pop()]);
  });

  it.each<[string, Partial<QemuProbeKey>]>([
    ['another accelerator', { accelerator: 'tcg' }],
    ['another image size', { imageSize: 8_000_001 }],
    ['another guest kernel', { image: '/boot/vmlinuz-6.1.0-57-amd64' }],
    ['another QEMU build', { qemuModified: 1700000000001 }],
    ['another host kernel', { hostRelease: '6.19.1' }],
    ['another CPU', { cpu: 'AMD EPYC; flags fedcba987654' }],
  ])('boots again for %s', async (_what, change) => {
    await probeQemu('kvm', KERNEL, { cacheFolder, key: KEY, boot: hangs });
    const other = { ...KEY, ...change };
    const answer = await probeQemu(other.accelerator, KERNEL, { cacheFolder, key: other, boot: works });
    expect(boots).toHaveLength(2);
    expect(answer).toMatchObject({ works: true, cached: false });
    expect(qemuProbeCacheFile(other, cacheFolder)).not.toBe(qemuProbeCacheFile(KEY, cacheFolder));
    // The first key's answer is still there.
    expect(await probeQemu('kvm', KERNEL, { cacheFolder, key: KEY, boot: works })).toMatchObject({ works: false, cached: true });
    expect(boots).toHaveLength(2);
  });

  // A cache file cut short (a disk full, a crash mid-write of another tool) is no answer.
  it('boots again over a damaged cache entry, and mends it', async () => {
    await writeFile(qemuProbeCacheFile(KEY, cacheFolder), '{"key": not json');
    expect(await probeQemu('kvm', KERNEL, { cacheFolder, key: KEY, boot: works })).toMatchObject({ cached: false });
    expect(await probeQemu('kvm', KERNEL, { cacheFolder, key: KEY, boot: works })).toMatchObject({ cached: true });
    expect(boots).toHaveLength(1);
  });

  it('boots again when the entry under the file name holds another key', async () => {
    await writeFile(qemuProbeCacheFile(KEY, cacheFolder), JSON.stringify({ key: { ...KEY, imageSize: 1 }, probe: { works: false, accelerator: 'kvm', why: 'stale' } }));
    expect(await probeQemu('kvm', KERNEL, { cacheFolder, key: KEY, boot: works })).toMatchObject({ works: true, cached: false });
    expect(boots).toHaveLength(1);
  });

  it('still answers when the cache cannot be written, at the cost of a boot each time', async () => {
    const blocked = join(cacheFolder, 'a-file');
    await writeFile(blocked, '');
    const options = { cacheFolder: join(blocked, 'cache'), key: KEY, boot: works };
    expect(await probeQemu('kvm', KERNEL, options)).toMatchObject({ works: true, cached: false });
    expect(await probeQemu('kvm', KERNEL, options)).toMatchObject({ works: true, cached: false });
    expect(boots).toHaveLength(2);
  });
});
