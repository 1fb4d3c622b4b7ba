#!/usr/bin/env node
// setup.sh's last step: compiles the harness's C programs, once per version of their source
// (harness/native/native-build.ts): the ptrace fix User-Mode Linux needs on CPUs with a large
// XSAVE state (harness/kernel/uml-xstate-fix.c), and what a cluster runs (native-programs.ts:
// the real servers' HTTP server, the build's sysctl setter).
import { existsSync } from 'node:fs';
import { ensureXstateFix, xstateFixPath, XSTATE_FIX } from '../dist/harness/kernel/uml-xstate-fix.js';
import { CLUSTER_PROGRAMS } from '../dist/harness/native/native-programs.js';
import { ensureNativeBuild, nativeBuildPath } from '../dist/harness/native/native-build.js';

const programs = [
  { label: XSTATE_FIX.label, path: xstateFixPath(), ensure: ensureXstateFix },
  ...CLUSTER_PROGRAMS.map((program) => ({ label: program.label, path: nativeBuildPath(program), ensure: () => ensureNativeBuild(program) })),
];
for (const program of programs) {
  const fresh = !existsSync(program.path);
  const build = await program.ensure();
  if ('unavailable' in build) {
    process.stderr.write(`setup: error: cannot build ${program.label}: ${build.unavailable}\n`);
    process.exit(2);
  }
  process.stderr.write(`setup: ${fresh ? 'built' : 'present:'} ${program.label} ${build.path}\n`);
}
