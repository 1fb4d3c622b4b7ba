// The harness's C programs (User-Mode Linux's ptrace fix, the real servers' HTTP server), each
// compiled once per version of its source into the package's dist/native folder: the file's
// name carries a hash of the source and the flags, so a changed source is a new file and a
// stale one is never used. scripts/setup.sh builds them (scripts/build-native.mjs); a run on
// the host whose build is missing builds it on first use. A guest sees the package read-only:
// the host builds what it needs before booting it (kernel/guest-job.ts).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { packagePath } from '../package-root.js';
import { findTool } from '../process/find-tool.js';

export interface NativeProgram {
  /** What it is, for messages: "User-Mode Linux's ptrace fix". */
  label: string;
  /** Its source, from the package root. */
  source: readonly string[];
  /** The built file's name before the hash, and after it (".so"). */
  name: string;
  suffix?: string;
  flags: readonly string[];
  libraries?: readonly string[];
}

export type NativeBuild = { path: string } | { unavailable: string };

/** Where the build of the current source is (or will be): dist/native/NAME-<hash>SUFFIX. */
export function nativeBuildPath(program: NativeProgram, source = readFileSync(packagePath(...program.source), 'utf8')): string {
  const hash = createHash('sha256').update(source).update(program.flags.join(' ')).digest('hex').slice(0, 12);
  return packagePath('dist', 'native', `${program.name}-${hash}${program.suffix ?? ''}`);
}

/** The program's build, compiled with gcc if this source has not been built yet. */
export async function ensureNativeBuild(program: NativeProgram): Promise<NativeBuild> {
  const source = packagePath(...program.source);
  if (!existsSync(source)) return { unavailable: `its source ${source} is missing` };
  const target = nativeBuildPath(program, readFileSync(source, 'utf8'));
  if (existsSync(target)) return { path: target };
  const gcc = findTool('gcc');
  if (!gcc) return { unavailable: 'gcc is not installed (apt-get install -y gcc libc6-dev, or bash scripts/setup.sh)' };
  try {
    await mkdir(join(target, '..'), { recursive: true });
  } catch (error) {
    return { unavailable: `cannot create ${join(target, '..')}: ${(error as Error).message}` };
  }
  // Built aside and renamed into place: runs that start at the same time never see half a file.
  const partial = `${target}.${process.pid}.partial`;
  const result = await execa(gcc, [...program.flags, '-o', partial, source, ...(program.libraries ?? [])], { reject: false, timeout: 120_000 });
  if (result.exitCode !== 0) {
    await rm(partial, { force: true });
    return { unavailable: `gcc could not compile ${source} (exit ${result.exitCode}): ${String(result.stderr).trim().split('\n').slice(-5).join(' / ')}` };
  }
  await rename(partial, target);
  return { path: target };
}
