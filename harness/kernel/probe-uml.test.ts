import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeUml, umlProbeCacheFile, UmlUnusableError, type UmlProbeKey } from './probe-uml.js';

const KEY: UmlProbeKey = {
  hostRelease: '6.18.44',
  cpu: 'Intel(R) Xeon(R) Processor; flags 0123456789ab',
  kernelPath: '/usr/bin/linux.uml',
  kernelSize: 123,
  kernelModified: 456,
  fixBuild: '/pkg/dist/native/uml-xstate-fix-863fbaf99fa7.so',
};
const BOOTED = { guestRelease: '6.1.176', bootMs: 2100, xstateFix: { used: true, needed: true, detail: 'xstate-fix: uml=2696 kernel=11008' } };

describe("the User-Mode Linux probe's cache", () => {
  let cacheFolder: string;
  let boots: number;
  const boot = async () => {
    boots += 1;
    return BOOTED;
  };
  beforeEach(async () => {
    cacheFolder = await mkdtemp(join(tmpdir(), 'lvsh-probe-cache-'));
    boots = 0;
  });
  afterEach(() => rm(cacheFolder, { recursive: true, force: true }));

  it('boots once per machine: the second probe is answered from the cache', async () => {
    const first = await probeUml(KEY.kernelPath, { cacheFolder, key: KEY, boot });
    const second = await probeUml(KEY.kernelPath, { cacheFolder, key: KEY, boot });
    expect(boots).toBe(1);
    expect(first).toEqual({ kernelPath: KEY.kernelPath, ...BOOTED, cached: false });
    expect(second).toEqual({ ...first, cached: true });
  });

  it.each([
    ['another host kernel', { hostRelease: '6.19.1' }],
    ['another CPU', { cpu: 'AMD EPYC; flags fedcba987654' }],
    ['another UML binary', { kernelModified: 789 }],
    ['another build of the fix', { fixBuild: 'off' }],
  ])('boots again for %s', async (_what, change) => {
    await probeUml(KEY.kernelPath, { cacheFolder, key: KEY, boot });
    await probeUml(KEY.kernelPath, { cacheFolder, key: { ...KEY, ...change }, boot });
    expect(boots).toBe(2);
  });

  it('never caches a guest that could not run a process: the next probe boots again', async () => {
    const failing = async () => {
      boots += 1;
      throw new UmlUnusableError('User-Mode Linux (/usr/bin/linux.uml) cannot run a process on this machine: the User-Mode Linux kernel panicked');
    };
    await expect(probeUml(KEY.kernelPath, { cacheFolder, key: KEY, boot: failing })).rejects.toThrow(/cannot run a process on this machine/);
    expect(await readdir(cacheFolder)).toEqual([]);
    await probeUml(KEY.kernelPath, { cacheFolder, key: KEY, boot });
    expect(boots).toBe(2);
  });

  it('boots again over a damaged cache entry, and mends it', async () => {
    await writeFile(umlProbeCacheFile(KEY, cacheFolder), '{"key": not json');
    await probeUml(KEY.kernelPath, { cacheFolder, key: KEY, boot });
    expect((await probeUml(KEY.kernelPath, { cacheFolder, key: KEY, boot })).cached).toBe(true);
    expect(boots).toBe(1);
  });
});
