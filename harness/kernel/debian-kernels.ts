// Debian's kernel images as guest kernels for QEMU: `debian:6.12` is the newest image of that
// series in the archive (apt-cache), fetched once with `apt-get download`, unpacked with
// `dpkg-deb -x` into a cache folder and indexed with `depmod -b`, so that the guest's modprobe
// and the initramfs find its modules. A second use reads the cache and fetches nothing.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ProcessRunner } from '../process/process-runner.js';
import { EnvironmentError } from './environment-error.js';
import { newestKernelPackage, type KernelName } from './kernel-name.js';

export const KERNEL_CACHE = '/var/tmp/lvs-harness/kernels';

/** A kernel a QEMU guest can boot: its image, its modules folder (the one named after its release) and its release. */
export interface BootableKernel {
  image: string;
  modulesDir: string;
  release: string;
  /** Where it came from, for reports: "Debian linux-image-6.12.117+deb12-amd64 6.12.117-1~deb12u1". */
  origin: string;
}

interface CachedKernel {
  package: string;
  version: string;
  release: string;
}

export interface ResolveKernelOptions {
  runner?: ProcessRunner;
  cacheFolder?: string;
  /** Progress, for the long steps (a download of ~100 MB, unpacking). */
  onProgress?: (line: string) => void;
  /** The modules folder of a bzImage (--modules); default /lib/modules/<its release>. */
  modulesDir?: string;
}

/** The image and modules a `debian:` or bzImage name stands for, fetched into the cache when needed. */
export async function bootableKernel(name: Extract<KernelName, { kind: 'debian' | 'image' }>, options: ResolveKernelOptions = {}): Promise<BootableKernel> {
  if (name.kind === 'image') return ownImage(name.path, name.release, options.modulesDir);
  return debianKernel(name, options);
}

/** A bzImage of the user's: its modules are /lib/modules/<release> unless --modules names them. */
function ownImage(path: string, release: string | undefined, named: string | undefined): BootableKernel {
  const modulesDir = named ?? (release ? `/lib/modules/${release}` : undefined);
  if (!modulesDir || !existsSync(join(modulesDir, 'modules.dep'))) {
    const why = modulesDir ? `no ${modulesDir}/modules.dep` : 'its release is not in its boot header';
    throw new EnvironmentError(`--kernel ${path}: no modules for it (${why}); pass --modules DIR, the folder named after its release, with depmod run on it`);
  }
  return { image: path, modulesDir, release: release ?? basename(modulesDir), origin: path };
}

async function debianKernel(name: Extract<KernelName, { kind: 'debian' }>, options: ResolveKernelOptions): Promise<BootableKernel> {
  const { runner = new ProcessRunner(), cacheFolder = KERNEL_CACHE, onProgress = () => undefined } = options;
  const packageName = name.release ? `linux-image-${name.release}` : await newestInArchive(runner, name.series, onProgress);
  const release = packageName.slice('linux-image-'.length);
  const folder = join(cacheFolder, release);
  const cached = await readCachedKernel(folder);
  if (cached) return describe(folder, cached);

  await mkdir(cacheFolder, { recursive: true });
  await removeAbandonedFetches(cacheFolder);
  const scratch = await mkdtemp(join(cacheFolder, `.fetch-${process.pid}-`));
  try {
    const version = await packageVersion(runner, packageName);
    onProgress(`fetching Debian's ${packageName} ${version} (once; cached in ${folder})`);
    // The download runs as root into our own folder: apt's _apt user could not write there.
    await runner.run(['apt-get', 'download', '-q', '-o', 'APT::Sandbox::User=root', packageName], { cwd: scratch, timeoutMs: 15 * 60_000 });
    const deb = (await readdir(scratch)).find((file) => file.endsWith('.deb'));
    if (!deb) throw new EnvironmentError(`apt-get download ${packageName} left no .deb in ${scratch}`);
    onProgress(`unpacking ${deb}`);
    const root = join(scratch, 'root');
    await runner.run(['dpkg-deb', '-x', join(scratch, deb), root], { timeoutMs: 10 * 60_000 });
    await runner.run(['depmod', '-b', root, release], { timeoutMs: 5 * 60_000 });
    await rm(join(scratch, deb));
    const entry: CachedKernel = { package: packageName, version, release };
    await writeFile(join(scratch, 'kernel.json'), `${JSON.stringify(entry, null, 2)}\n`);
    // Whole or not at all: a fetch cut short leaves only a scratch folder, never a cache entry.
    // Another run that fetched the same kernel meanwhile keeps its entry (it may be booting it).
    await rename(scratch, folder).catch(async (error: NodeJS.ErrnoException) => {
      if (!(error.code === 'ENOTEMPTY' || error.code === 'EEXIST') || !(await readCachedKernel(folder))) throw error;
    });
    return describe(folder, entry);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function describe(folder: string, entry: CachedKernel): BootableKernel {
  return {
    image: join(folder, 'root', 'boot', `vmlinuz-${entry.release}`),
    modulesDir: join(folder, 'root', 'lib', 'modules', entry.release),
    release: entry.release,
    origin: `Debian ${entry.package} ${entry.version}`,
  };
}

async function readCachedKernel(folder: string): Promise<CachedKernel | undefined> {
  const text = await readFile(join(folder, 'kernel.json'), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const entry = JSON.parse(text) as CachedKernel;
  return existsSync(join(folder, 'root', 'boot', `vmlinuz-${entry.release}`)) ? entry : undefined;
}

/** The newest image package of a series; the package lists are refreshed once if they know none. */
async function newestInArchive(runner: ProcessRunner, series: string, onProgress: (line: string) => void): Promise<string> {
  const list = async () => (await runner.run(['apt-cache', 'pkgnames', 'linux-image-'], { allowFailure: true })).stdout.split('\n');
  const found = newestKernelPackage(await list(), series);
  if (found) return found;
  onProgress(`no Debian kernel ${series} in the package lists: apt-get update`);
  await runner.run(['apt-get', 'update', '-q'], { timeoutMs: 10 * 60_000, allowFailure: true });
  const names = await list();
  const again = newestKernelPackage(names, series);
  if (again) return again;
  const series_ = [...new Set(names.map((name) => /^linux-image-(\d+\.\d+)[.-]\d/.exec(name)?.[1]).filter(Boolean))];
  throw new EnvironmentError(`debian:${series}: the package archive has no linux-image-${series}.*-amd64${series_.length ? ` (it has the series ${series_.join(', ')})` : ''}`);
}

async function packageVersion(runner: ProcessRunner, packageName: string): Promise<string> {
  const result = await runner.run(['apt-cache', 'show', '--no-all-versions', packageName], { allowFailure: true });
  const version = /^Version: (\S+)/m.exec(result.stdout)?.[1];
  if (result.exitCode !== 0 || !version) throw new EnvironmentError(`Debian's archive has no package ${packageName} (apt-cache show: ${result.stderr.trim() || 'no Version'})`);
  return version;
}

/** Scratch folders of fetches whose process is gone (killed mid-download): ours to remove. */
async function removeAbandonedFetches(cacheFolder: string): Promise<void> {
  for (const name of await readdir(cacheFolder).catch(() => [] as string[])) {
    const pid = Number(/^\.fetch-(\d+)-/.exec(name)?.[1]);
    if (!pid || processAlive(pid)) continue;
    await rm(join(cacheFolder, name), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
