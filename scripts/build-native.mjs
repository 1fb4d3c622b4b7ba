#!/usr/bin/env node
// setup.sh's last step: compiles the ptrace fix that User-Mode Linux needs on CPUs with a
// large XSAVE state (harness/kernel/uml-xstate-fix.c), once per version of its source.
import { ensureXstateFix, xstateFixPath } from '../dist/harness/kernel/uml-xstate-fix.js';
import { existsSync } from 'node:fs';

const fresh = !existsSync(xstateFixPath());
const build = await ensureXstateFix();
if ('unavailable' in build) {
  process.stderr.write(`setup: error: cannot build User-Mode Linux's ptrace fix: ${build.unavailable}\n`);
  process.exit(2);
}
process.stderr.write(`setup: ${fresh ? 'built' : 'present:'} User-Mode Linux's ptrace fix ${build.path}\n`);
