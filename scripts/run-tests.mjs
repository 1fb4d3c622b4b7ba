#!/usr/bin/env node
// npm test, after setup: the unit project on the host (no root, no kernel features), the
// command run as a user on the host (root), then the kernel suites in the chosen kernel
// (this one if it has IPVS and ipip, else User-Mode Linux), then examples/configurator-suite
// as another project runs it (scripts/test-example.mjs: npm pack, npm install, npm test).
// Ends with one plain line, "tests: N passed, N failed", and a non-zero exit on any failure.
// In CI (CI set) each project also writes JUnit XML to reports/junit-<project>.xml.
import { mkdir } from 'node:fs/promises';
import { $ } from 'zx';

$.verbose = false;
const vitest = ['node', 'node_modules/vitest/vitest.mjs', 'run', '--configLoader', 'runner'];
const cli = ['node', 'dist/harness/cli/main.js'];
const extra = process.argv.slice(2);
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';
// Paths relative to the project folder, the cwd here and inside the guest: the kernel project
// runs there too, with reports/ shared read-write (the rest of the host is read-only to it).
const reports = 'reports';
if (inCi) await mkdir(reports, { recursive: true });

/** vitest's options for a project's JUnit file in CI, the default reporter kept: its summary is where the counts are read. */
function junitFor(project) {
  return inCi ? ['--reporter=default', '--reporter=junit', `--outputFile.junit=${reports}/junit-${project}.xml`] : [];
}

/** Runs one vitest project, streaming its output, and reads its counts from the summary. */
async function runProject(label, command) {
  process.stderr.write(`\n== ${label} ==\n`);
  const run = $({ nothrow: true, quiet: true, env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' } })`${command}`;
  run.stdout.pipe(process.stdout);
  run.stderr.pipe(process.stderr);
  const result = await run;
  const text = (result.stdout + result.stderr).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  const summary = [...text.matchAll(/^\s*Tests\s+(.*)\((\d+)\)\s*$/gm)].pop();
  const count = (word) => Number(summary?.[1].match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
  const counts = { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
  // No summary at all (vitest did not start, the kernel died): that is a failure too.
  if (!summary || (result.exitCode !== 0 && counts.failed === 0)) counts.failed += 1;
  console.log(`${label}: ${counts.passed} passed, ${counts.failed} failed`);
  return counts;
}

// The suites and tests are type-checked too (the build compiles only the harness).
process.stderr.write('\n== typecheck ==\n');
const typecheck = await $({ nothrow: true, quiet: true })`npx --no-install tsc -p tsconfig.check.json`;
process.stdout.write(typecheck.stdout);
console.log(`typecheck: ${typecheck.exitCode === 0 ? 'passed' : 'FAILED'}`);

const results = [
  await runProject('unit', [...vitest, '--project', 'unit', ...junitFor('unit'), ...extra]),
  await runProject('host', [...vitest, '--project', 'host', ...junitFor('host'), ...extra]),
  await runProject('kernel', [...cli, 'run', ...(inCi ? ['--writable', reports] : []), '--', ...vitest, '--project', 'kernel', ...junitFor('kernel'), ...extra]),
  // Another project's suite: the package packed, installed from the tarball, its configurators judged.
  await runProject('example', ['node', 'scripts/test-example.mjs']),
];
const passed = results.reduce((sum, counts) => sum + counts.passed, 0);
const failed = results.reduce((sum, counts) => sum + counts.failed, 0) + (typecheck.exitCode === 0 ? 0 : 1);
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
