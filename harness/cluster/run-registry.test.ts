import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processStartTime } from '../process/process-start-time.js';
import { testTopology } from '../topology/test-support/test-topology.js';
import {
  findRun,
  forgetRun,
  isRunLive,
  listRuns,
  ownRunRecord,
  registryFolder,
  saveRun,
  type RunRecord,
} from './run-registry.js';

const topology = testTopology(['web1']);

let stateDir: string;
let savedStateDir: string | undefined;

beforeEach(async () => {
  savedStateDir = process.env.LVS_HARNESS_STATE_DIR;
  stateDir = await mkdtemp(join(tmpdir(), 'lvs-harness-registry-'));
  process.env.LVS_HARNESS_STATE_DIR = stateDir;
});

afterEach(async () => {
  if (savedStateDir === undefined) delete process.env.LVS_HARNESS_STATE_DIR;
  else process.env.LVS_HARNESS_STATE_DIR = savedStateDir;
  await rm(stateDir, { recursive: true, force: true });
});

function record(runId: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId,
    ownerPid: process.pid,
    ownerStartTime: processStartTime(process.pid) ?? '',
    detached: false,
    createdAt: '2024-01-02T03:04:05.000Z',
    topology,
    namespaces: [`lvsh-${runId}--lan`, `lvsh-${runId}-client`],
    ...overrides,
  };
}

describe('the run registry', () => {
  it('keeps its records in LVS_HARNESS_STATE_DIR', async () => {
    expect(registryFolder()).toBe(stateDir);
    await saveRun(record('aaaa0001'));
    expect(await readdir(stateDir)).toEqual(['aaaa0001.json']);
  });

  it('finds a saved record as it was saved', async () => {
    const saved = record('aaaa0001', { runDir: '/tmp/some-run' });
    await saveRun(saved);
    expect(await findRun('aaaa0001')).toEqual(saved);
    expect(await findRun('ffff0000')).toBeUndefined();
  });

  it('lists every record, and rewrites one saved again', async () => {
    await saveRun(record('aaaa0001'));
    await saveRun(record('aaaa0002'));
    await saveRun(record('aaaa0001', { detached: true }));
    const runs = await listRuns();
    expect(runs.map((run) => run.runId).sort()).toEqual(['aaaa0001', 'aaaa0002']);
    expect((await findRun('aaaa0001'))?.detached).toBe(true);
    // Written atomically: no temporary file is left behind.
    expect((await readdir(stateDir)).sort()).toEqual(['aaaa0001.json', 'aaaa0002.json']);
  });

  it('forgets a run, and forgetting an unknown one is no error', async () => {
    await saveRun(record('aaaa0001'));
    await saveRun(record('aaaa0002'));
    await forgetRun('aaaa0001');
    expect(await findRun('aaaa0001')).toBeUndefined();
    expect((await listRuns()).map((run) => run.runId)).toEqual(['aaaa0002']);
    await expect(forgetRun('aaaa0001')).resolves.toBeUndefined();
  });

  it('lists nothing when the folder does not exist yet, and creates it on the first save', async () => {
    process.env.LVS_HARNESS_STATE_DIR = join(stateDir, 'not', 'yet');
    expect(await listRuns()).toEqual([]);
    await saveRun(record('aaaa0001'));
    expect((await listRuns()).map((run) => run.runId)).toEqual(['aaaa0001']);
  });

  it('skips files that are not records', async () => {
    await saveRun(record('aaaa0001'));
    await writeFile(join(stateDir, 'half-written.json'), '{"runId": "aaaa00');
    await writeFile(join(stateDir, 'notes.txt'), 'not a record');
    expect((await listRuns()).map((run) => run.runId)).toEqual(['aaaa0001']);
  });

  it('builds a record of a run owned by this process', () => {
    const own = ownRunRecord('aaaa0001', topology, ['lvsh-aaaa0001--lan']);
    expect(own).toMatchObject({ runId: 'aaaa0001', ownerPid: process.pid, detached: false, topology, namespaces: ['lvsh-aaaa0001--lan'] });
    expect(own.ownerStartTime).toBe(processStartTime(process.pid));
    expect(Number.isNaN(Date.parse(own.createdAt))).toBe(false);
  });
});

describe('isRunLive', () => {
  it('is true for a run owned by this process', () => {
    expect(processStartTime(process.pid)).toBeDefined();
    expect(isRunLive(record('aaaa0001'))).toBe(true);
    expect(isRunLive(ownRunRecord('aaaa0002', topology, []))).toBe(true);
  });

  it("is false when the pid's start time is not the owner's (the pid was reused)", () => {
    const startTime = processStartTime(process.pid)!;
    const reused = record('aaaa0001', { ownerStartTime: String(Number(startTime) + 1) });
    expect(isRunLive(reused)).toBe(false);
    expect(isRunLive(record('aaaa0001', { ownerStartTime: '' }))).toBe(false);
  });

  it('is false when the owner is gone', () => {
    // Above the kernel's pid_max (at most 2^22): no process can have it.
    expect(isRunLive(record('aaaa0001', { ownerPid: 2 ** 22 + 1, ownerStartTime: '12345' }))).toBe(false);
  });

  it('is true for a detached run whatever became of its owner', () => {
    expect(isRunLive(record('aaaa0001', { detached: true, ownerStartTime: 'not-the-owner' }))).toBe(true);
    expect(isRunLive(record('aaaa0001', { detached: true, ownerPid: 2 ** 22 + 1, ownerStartTime: '12345' }))).toBe(true);
  });

  it('judges a record read back from the registry the same way', async () => {
    await saveRun(record('aaaa0001'));
    await saveRun(record('aaaa0002', { ownerStartTime: 'stale' }));
    const live = Object.fromEntries((await listRuns()).map((run) => [run.runId, isRunLive(run)]));
    expect(live).toEqual({ aaaa0001: true, aaaa0002: false });
  });
});
