#!/usr/bin/env node
// npm test, after setup: the unit project on the host (no root, no kernel features), the
// command run as a user on the host (root), then the kernel suites in the chosen kernel
// (this one if it has IPVS and ipip, else User-Mode Linux).
// Ends with one plain line, "tests: N passed, N failed", and a non-zero exit on any failure.
import { $ } from 'zx';

$.verbose = false;
const vitest = ['node', 'node_modules/vitest/vitest.mjs', 'run', '--configLoader', 'runner'];
const cli = ['node', 'dist/harness/cli/main.js'];
const extra = process.argv.slice(2);

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
  await runProject('unit', [...vitest, '--project', 'unit', ...extra]),
  await runProject('host', [...vitest, '--project', 'host', ...extra]),
  await runProject('kernel', [...cli, 'run', '--', ...vitest, '--project', 'kernel', ...extra]),
];
const passed = results.reduce((sum, counts) => sum + counts.passed, 0);
const failed = results.reduce((sum, counts) => sum + counts.failed, 0) + (typecheck.exitCode === 0 ? 0 : 1);
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
