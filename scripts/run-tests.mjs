#!/usr/bin/env node
// npm test, after setup: the unit project on the host (no root, no kernel features) beside the
// typecheck, then at once the command run as a user on the host (root) and the kernel suites in
// the chosen kernel (this one if it has IPVS and ipip, else guests, one per core, each pinned
// to a host CPU of its own, with a share of the files balanced by their measured time), then examples/configurator-suite
// as another project runs it (scripts/test-example.mjs: npm pack, npm install, npm test).
// Ends with one plain line, "tests: N passed, N failed", and a non-zero exit on any failure.
// In CI (CI set) each project also writes JUnit XML to reports/junit-<project>.xml.
import { mkdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { $ } from 'zx';
import { balanceShards, kernelSuiteFiles } from './balance-shards.mjs';
import { allowedCpus, GUEST_CPU_VARIABLE } from '../dist/harness/kernel/guest-cpu.js';

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

/** Runs one vitest project, streaming its output (each line after `prefix`, when given), and reads its counts from the summary. */
async function runProject(label, command, { prefix, quietCounts = false, env = {} } = {}) {
  process.stderr.write(`\n== ${label} ==\n`);
  const run = $({ nothrow: true, quiet: true, env: { ...process.env, FORCE_COLOR: process.stdout.isTTY && !prefix ? '1' : '0', ...env } })`${command}`;
  if (prefix) {
    prefixLines(run.stdout, process.stdout, prefix);
    prefixLines(run.stderr, process.stderr, prefix);
  } else {
    run.stdout.pipe(process.stdout);
    run.stderr.pipe(process.stderr);
  }
  const result = await run;
  const text = (result.stdout + result.stderr).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  const summary = [...text.matchAll(/^\s*Tests\s+(.*)\((\d+)\)\s*$/gm)].pop();
  const count = (word) => Number(summary?.[1].match(new RegExp(`(\\d+) ${word}`))?.[1] ?? 0);
  const counts = { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
  // No summary at all (vitest did not start, the kernel died): that is a failure too.
  if (!summary || (result.exitCode !== 0 && counts.failed === 0)) counts.failed += 1;
  if (!quietCounts) console.log(`${label}: ${counts.passed} passed, ${counts.failed} failed`);
  return counts;
}

/** Copies a stream line by line, each line after `prefix`: two shards' output stays readable side by side. */
function prefixLines(from, to, prefix) {
  let pending = '';
  from.setEncoding('utf8');
  from.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) to.write(`${prefix}${line}\n`);
  });
  from.on('end', () => pending && to.write(`${prefix}${pending}\n`));
}

/**
 * How many guests the kernel suites spread over: as many as there are cores when clusters are
 * built in a guest (each guest is a kernel of its own, with one CPU under UML, pinned to one
 * host CPU, so its files cannot disturb another's), one on a kernel that can host clusters
 * itself (the isolation suites compare the root namespace, which another shard's clusters
 * would change). Measured on 2 cores over the whole suite: unpinned, two guests left both cores
 * 30-60 % idle (vmstat 10) and took 471 s, three 430 s; pinned, two took 328 s and 343 s (the
 * host suites 256 s beside them), three 307, 327 and 352 s (the host suites 301 s).
 * LVS_HARNESS_KERNEL_SHARDS sets the number.
 */
async function kernelShardCount(kind) {
  // A CI matrix that shards the whole suite (npm test -- --shard=1/2) already gave this machine its part.
  if (extra.some((arg) => arg.startsWith('--shard'))) return 1;
  if (kind !== 'guest') return 1;
  const chosen = Number(process.env.LVS_HARNESS_KERNEL_SHARDS);
  return Number.isInteger(chosen) && chosen >= 1 ? chosen : availableParallelism();
}

/** Where the kernel suites' clusters are built: 'guest', 'current' (this kernel), or undefined when no kernel can. */
async function kernelKind() {
  const choice = await $({ nothrow: true, quiet: true })`${cli} kernel --json`;
  try {
    return JSON.parse(choice.stdout).kind;
  } catch {
    return undefined;
  }
}

/** This machine's part of a suite sharded over a CI matrix (npm test -- --shard=K/N): K, or undefined. */
function suiteShard() {
  const shard = extra.map((arg) => /^--shard=(\d+)\/\d+$/.exec(arg)?.[1]).find(Boolean);
  return shard === undefined ? undefined : Number(shard);
}

/**
 * Which files each guest runs: balanced by their measured seconds (scripts/kernel-file-seconds.json),
 * or, when the command names files or filters of its own, vitest's --shard over those.
 */
async function kernelShardArguments(shards) {
  if (shards === 1) return [[]];
  const filtered = extra.some((arg) => !arg.startsWith('-'));
  if (filtered) return Array.from({ length: shards }, (_, index) => [`--shard=${index + 1}/${shards}`]);
  const seconds = JSON.parse(await readFile(new URL('./kernel-file-seconds.json', import.meta.url), 'utf8'));
  const plan = balanceShards(kernelSuiteFiles('.'), seconds, shards);
  console.log(`kernel: ${plan.reduce((sum, shard) => sum + shard.files.length, 0)} files over ${shards} guests by measured time: ${plan.map((shard, index) => `${index + 1}: ${shard.files.length} files, about ${shard.seconds} s`).join('; ')}`);
  return plan.map((shard) => shard.files);
}

/** The kernel project: its files spread over `shards` guests at once, the counts summed. */
async function runKernelProject(shards) {
  const parts = await kernelShardArguments(shards);
  // Each guest on a host CPU of its own, in turn (they start at once, before any is running for
  // the least-used choice to see); the host suites' guests take the least used.
  const cpus = await allowedCpus();
  const shardRun = (index) =>
    runProject(
      shards === 1 ? 'kernel' : `kernel, shard ${index}/${shards}`,
      [...cli, 'run', ...(inCi ? ['--writable', reports] : []), '--', ...vitest, '--project', 'kernel', ...parts[index - 1], ...junitFor(shards === 1 ? 'kernel' : `kernel-${index}`), ...extra],
      {
        ...(shards === 1 ? {} : { prefix: `[kernel ${index}/${shards}] `, quietCounts: true }),
        ...(shards > 1 && cpus.length > 0 ? { env: { [GUEST_CPU_VARIABLE]: String(cpus[(index - 1) % cpus.length]) } } : {}),
      },
    );
  const all = await Promise.all(Array.from({ length: shards }, (_, index) => shardRun(index + 1)));
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const shard of all) for (const key of Object.keys(counts)) counts[key] += shard[key];
  if (shards > 1) console.log(`kernel: ${counts.passed} passed, ${counts.failed} failed (${shards} guests at once)`);
  return counts;
}

// The suites and tests are type-checked too (the build compiles only the harness), beside the
// unit project: tsc keeps one core busy, the unit tests' workers the other (45 s one after the
// other, measured; the unit project alone 20 s).
const typechecking = $({ nothrow: true, quiet: true })`npx --no-install tsc -p tsconfig.check.json`;
const unit = await runProject('unit', [...vitest, '--project', 'unit', ...junitFor('unit'), ...extra]);
process.stderr.write('\n== typecheck ==\n');
const typecheck = await typechecking;
process.stdout.write(typecheck.stdout);
console.log(`typecheck: ${typecheck.exitCode === 0 ? 'passed' : 'FAILED'}`);
// The host suites beside the kernel suites when those run in guests: measured here, a third to
// two thirds of both cores stayed idle while either ran alone (their guests wait on timers,
// boots and unanswered connections), so side by side they take about as long as the longer
// one. On a kernel that builds the clusters itself, one after the other: the isolation suites
// compare the root namespace, which the host suites' clusters would change.
const kind = await kernelKind();
const hostProject = (prefix) => runProject('host', [...vitest, '--project', 'host', ...junitFor('host'), ...extra], prefix ? { prefix } : {});
const [host, kernel] =
  kind === 'guest'
    ? await Promise.all([hostProject('[host] '), runKernelProject(await kernelShardCount(kind))])
    : [await hostProject(), await runKernelProject(await kernelShardCount(kind))];
const results = [
  unit,
  host,
  kernel,
  // Another project's suite: the package packed, installed from the tarball, its configurators
  // judged. Once per suite: in a CI matrix of shards (--shard=K/N), on shard 1.
  ...(suiteShard() === undefined || suiteShard() === 1 ? [await runProject('example', ['node', 'scripts/test-example.mjs'])] : []),
];
const passed = results.reduce((sum, counts) => sum + counts.passed, 0);
const failed = results.reduce((sum, counts) => sum + counts.failed, 0) + (typecheck.exitCode === 0 ? 0 : 1);
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
