// The ptrace fix that lets User-Mode Linux run on CPUs with a large XSAVE state (AMX): its C
// source lives beside this file, and it is compiled once per source version into the
// package's dist/native folder (the name carries the source's hash, so a changed source is
// a new file and a stale one is never used). scripts/setup.sh builds it; a run whose build is
// missing builds it on first use. It is preloaded into linux.uml only (uml-backend.ts).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { packagePath } from '../package-root.js';
import { findTool } from '../process/find-tool.js';

export type XstateFixBuild = { path: string } | { unavailable: string };

const SOURCE = ['harness', 'kernel', 'uml-xstate-fix.c'] as const;
const COMPILE_FLAGS = ['-O2', '-Wall', '-Wextra', '-shared', '-fPIC'] as const;

/** Where the build of the current source is (or will be): dist/native/uml-xstate-fix-<hash>.so. */
export function xstateFixPath(source = readFileSync(packagePath(...SOURCE), 'utf8')): string {
  const hash = createHash('sha256').update(source).update(COMPILE_FLAGS.join(' ')).digest('hex').slice(0, 12);
  return packagePath('dist', 'native', `uml-xstate-fix-${hash}.so`);
}

/** LVS_HARNESS_XSTATE_FIX=off boots UML without the fix: to see whether this CPU needs it. */
export function xstateFixDisabled(): boolean {
  return process.env.LVS_HARNESS_XSTATE_FIX === 'off';
}

/** The fix's shared object, compiled with gcc if this source has not been built yet. */
export async function ensureXstateFix(): Promise<XstateFixBuild> {
  if (xstateFixDisabled()) return { unavailable: 'LVS_HARNESS_XSTATE_FIX=off turned it off' };
  const source = packagePath(...SOURCE);
  if (!existsSync(source)) return { unavailable: `its source ${source} is missing` };
  const target = xstateFixPath(readFileSync(source, 'utf8'));
  if (existsSync(target)) return { path: target };
  const gcc = findTool('gcc');
  if (!gcc) return { unavailable: 'gcc is not installed (apt-get install -y gcc libc6-dev, or bash scripts/setup.sh)' };
  try {
    await mkdir(join(target, '..'), { recursive: true });
  } catch (error) {
    return { unavailable: `cannot create ${join(target, '..')}: ${(error as Error).message}` };
  }
  // Built aside and renamed into place: runs that boot at the same time never see half a file.
  const partial = `${target}.${process.pid}.partial`;
  const result = await execa(gcc, [...COMPILE_FLAGS, '-o', partial, source, '-ldl'], { reject: false, timeout: 120_000 });
  if (result.exitCode !== 0) {
    await rm(partial, { force: true });
    return { unavailable: `gcc could not compile ${source} (exit ${result.exitCode}): ${String(result.stderr).trim().split('\n').slice(-5).join(' / ')}` };
  }
  await rename(partial, target);
  return { path: target };
}
