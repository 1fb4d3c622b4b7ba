#!/usr/bin/env node
// Is the suite flaky? Runs the full suite (node scripts/run-tests.mjs: unit, host, and the
// kernel suites in the chosen kernel) N times back to back, and reports how many rounds
// passed and failed, which tests failed in which rounds, and the slowest passing test.
//   npm run flaky -- N       (as root: setup first, as npm test does; then N rounds)
// Prints a table, then one JSON line. Each round's full output is kept in a log file.
// Per-test results come from vitest's verbose reporter, read from the output as it streams
// back (inside User-Mode Linux only $LVS_HARNESS_OUTPUT is writable, and its path is the
// guest's own, so a report file would not reach us by a known name).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $, argv } from 'zx';

$.verbose = false;
const rounds = Number(argv._[0]);
if (!Number.isInteger(rounds) || rounds < 1) {
  process.stderr.write(`usage: node scripts/flaky.mjs N   (N rounds of the full suite, a whole number from 1; got ${JSON.stringify(argv._[0] ?? '')})\n`);
  process.exit(2);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const logFolder = `/var/tmp/lvs-harness/flaky-${new Date().toISOString().replace(/[:.]/g, '-')}`;
await mkdir(logFolder, { recursive: true });

/**
 * One test's line from the verbose reporter: " ✓ |kernel| suites/x.test.ts > suite > name 1234ms",
 * after the "[kernel 1/2] " or "[host] " that npm test puts before the lines of projects run side by side.
 */
const TEST_LINE = /^(?:\[[^\]]+\])?\s*([✓×])\s+\|([\w-]+)\|\s+(.+?)(?:\s+(\d+)ms)?\s*$/;

/** What a round's output says: counts per project, the total, and every test with its time. */
function parseRound(text) {
  const plain = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  const projects = Object.fromEntries(
    [...plain.matchAll(/^(unit|host|kernel): (\d+) passed, (\d+) failed(?: \(.*\))?$/gm)].map((match) => [match[1], { passed: Number(match[2]), failed: Number(match[3]) }]),
  );
  const total = [...plain.matchAll(/^tests: (\d+) passed, (\d+) failed$/gm)].pop();
  const tests = [];
  for (const line of plain.split('\n')) {
    const match = TEST_LINE.exec(line);
    if (match) tests.push({ ok: match[1] === '✓', project: match[2], name: match[3], ms: Number(match[4] ?? 0) });
  }
  return {
    projects,
    passed: total ? Number(total[1]) : undefined,
    failed: total ? Number(total[2]) : undefined,
    tests,
  };
}

// As npm test does: install what is missing and compile, once (a stale dist/ is not flakiness).
const setup = await $({ cwd: root, nothrow: true, quiet: true })`${['bash', 'scripts/setup.sh']}`;
if (setup.exitCode !== 0) {
  process.stderr.write(`flaky: bash scripts/setup.sh failed (exit ${setup.exitCode}):\n${setup.stderr}\n`);
  process.exit(2);
}

const results = [];
for (let round = 1; round <= rounds; round += 1) {
  process.stderr.write(`flaky: round ${round} of ${rounds} ... `);
  const started = Date.now();
  // NO_COLOR: plain lines, so that every test's line parses the same on a terminal or not.
  const run = await $({ cwd: root, nothrow: true, quiet: true, env: { ...process.env, NO_COLOR: '1' } })`${['node', 'scripts/run-tests.mjs', '--reporter=verbose']}`;
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const output = `${run.stdout}\n${run.stderr}`;
  const log = join(logFolder, `round-${round}.log`);
  await writeFile(log, output);
  const parsed = parseRound(output);
  const slowest = [...parsed.tests].filter((test) => test.ok).sort((a, b) => b.ms - a.ms)[0];
  const ok = run.exitCode === 0 && parsed.failed === 0;
  results.push({ round, ok, exitCode: run.exitCode, seconds, ...parsed, slowest, log });
  process.stderr.write(`${ok ? 'passed' : 'FAILED'} in ${seconds} s (${parsed.passed ?? '?'} passed, ${parsed.failed ?? '?'} failed; log ${log})\n`);
}

// Tests that failed in some round, with the rounds; a test failing in some rounds and passing
// in others is flaky.
const failures = new Map();
const passes = new Map();
for (const result of results) {
  for (const test of result.tests) {
    const key = `|${test.project}| ${test.name}`;
    const into = test.ok ? passes : failures;
    into.set(key, [...(into.get(key) ?? []), result.round]);
  }
}
const failedTests = [...failures].map(([test, inRounds]) => ({ test, failedInRounds: inRounds, passedInRounds: passes.get(test) ?? [], flaky: (passes.get(test) ?? []).length > 0 }));
// The slowest test that passed: a failed one may only have hit its timeout.
const slowest = results.map((result) => result.slowest && { ...result.slowest, round: result.round }).filter(Boolean).sort((a, b) => b.ms - a.ms)[0];

const clip = (text, width) => (text.length > width ? `${text.slice(0, width - 3)}...` : text);
console.log(`\nflakiness: ${rounds} round${rounds === 1 ? '' : 's'} of node scripts/run-tests.mjs\n`);
console.log(['round', 'result', 'seconds', 'passed', 'failed', 'unit', 'host', 'kernel', 'slowest passing test (ms)'].join(' | '));
for (const result of results) {
  const project = (name) => (result.projects[name] ? `${result.projects[name].passed}/${result.projects[name].failed}` : '-');
  const slow = result.slowest ? `${clip(`|${result.slowest.project}| ${result.slowest.name}`, 90)} (${result.slowest.ms})` : '-';
  console.log([result.round, result.ok ? 'pass' : 'FAIL', result.seconds, result.passed ?? '?', result.failed ?? '?', project('unit'), project('host'), project('kernel'), slow].join(' | '));
}
const roundsPassed = results.filter((result) => result.ok).length;
console.log(`\nrounds passed: ${roundsPassed}, rounds failed: ${rounds - roundsPassed}  (project columns: passed/failed)`);
for (const failed of failedTests) console.log(`${failed.flaky ? 'flaky' : 'failed'}: ${failed.test} (failed in rounds ${failed.failedInRounds.join(', ')}${failed.flaky ? `, passed in ${failed.passedInRounds.join(', ')}` : ''})`);
if (slowest) console.log(`slowest passing test: ${slowest.name} (${slowest.project}), ${slowest.ms} ms in round ${slowest.round}`);
console.log(`logs: ${logFolder}`);
console.log(
  JSON.stringify({
    flakiness: 'full-suite',
    rounds,
    roundsPassed,
    roundsFailed: rounds - roundsPassed,
    failedTests,
    slowestPassingTest: slowest ?? null,
    results: results.map(({ tests, slowest: slowestInRound, ...rest }) => ({ ...rest, testsSeen: tests.length, slowestPassingTest: slowestInRound ?? null })),
  }),
);
process.exitCode = roundsPassed === rounds ? 0 : 1;
