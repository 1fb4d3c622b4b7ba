// The ptrace fix that lets User-Mode Linux run on CPUs with a large XSAVE state (AMX): its C
// source lives beside this file, compiled once per source version (native/native-build.ts).
// It is preloaded into linux.uml only (uml-backend.ts).
import { ensureNativeBuild, nativeBuildPath, type NativeBuild, type NativeProgram } from '../native/native-build.js';

export type XstateFixBuild = NativeBuild;

export const XSTATE_FIX: NativeProgram = {
  label: "User-Mode Linux's ptrace fix",
  source: ['harness', 'kernel', 'uml-xstate-fix.c'],
  name: 'uml-xstate-fix',
  suffix: '.so',
  flags: ['-O2', '-Wall', '-Wextra', '-shared', '-fPIC'],
  libraries: ['-ldl'],
};

/** Where the build of the current source is (or will be): dist/native/uml-xstate-fix-<hash>.so. */
export function xstateFixPath(source?: string): string {
  return nativeBuildPath(XSTATE_FIX, source);
}

/** LVS_HARNESS_XSTATE_FIX=off boots UML without the fix: to see whether this CPU needs it. */
export function xstateFixDisabled(): boolean {
  return process.env.LVS_HARNESS_XSTATE_FIX === 'off';
}

/** The fix's shared object, compiled with gcc if this source has not been built yet. */
export async function ensureXstateFix(): Promise<XstateFixBuild> {
  if (xstateFixDisabled()) return { unavailable: 'LVS_HARNESS_XSTATE_FIX=off turned it off' };
  return ensureNativeBuild(XSTATE_FIX);
}
