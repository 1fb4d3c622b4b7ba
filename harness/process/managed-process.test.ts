import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessExitedEarlyError } from './command-error.js';
import { startManagedProcess, type ManagedProcess } from './managed-process.js';
import { ProcessRunner } from './process-runner.js';

let folder: string;
const started: ManagedProcess[] = [];
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'managed-process-'));
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((process) => process.stop()));
  await rm(folder, { recursive: true, force: true });
});

async function start(script: string, detached: boolean): Promise<ManagedProcess> {
  const managed = await startManagedProcess(new ProcessRunner(), [process.execPath, '-e', script], { label: 'stand-in server', logFile: join(folder, 'server.log'), detached, formatLine: (line) => line.toUpperCase() });
  started.push(managed);
  return managed;
}

describe.each([
  ['attached', false],
  ['detached', true],
])('a %s server or daemon', (_, detached) => {
  it('is ready when it prints its line, runs until stopped, and is gone after', async () => {
    const server = await start("console.log('listening on 80'); setInterval(() => {}, 1000)", detached);
    await server.waitForLine(/^listening on /, { timeoutMs: 10_000, awaiting: 'the stand-in to listen' });
    expect(server.running).toBe(true);
    await server.stop();
    await server.waitForExit();
    expect(server.running).toBe(false);
  });

  it('that exits before its line fails the wait at once with an error of its own naming it and its last words', async () => {
    const server = await start("console.log('bind: address in use'); process.exit(3)", detached);
    const began = Date.now();
    const failure = await server.waitForLine(/^listening on /, { timeoutMs: 20_000, awaiting: 'the stand-in to listen' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProcessExitedEarlyError);
    expect((failure as Error).message).toContain(`stand-in server ${detached ? 'exited' : 'exited with code 3'} before the stand-in to listen`);
    expect((failure as ProcessExitedEarlyError).stderr).toBe('BIND: ADDRESS IN USE');
    expect(Date.now() - began).toBeLessThan(10_000);
  });
});
