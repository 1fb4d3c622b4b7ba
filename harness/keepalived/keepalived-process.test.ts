// keepalived itself needs a kernel with IPVS; its exit is tested with a stand-in that prints
// what keepalived prints when its configuration is impossible, and exits as it does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandError } from '../process/command-error.js';
import { ProcessRunner } from '../process/process-runner.js';
import { WaitTimeoutError } from '../process/wait-for.js';
import { KeepalivedProcess, waitWhileKeepalivedRuns } from './keepalived-process.js';

// A listening socket keeps the stand-in up until it is signalled, with no timer.
const STAY_UP = `require('node:net').createServer().listen(0, '127.0.0.1');`;

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

async function standIn(script: string): Promise<KeepalivedProcess> {
  const folder = await mkdtemp(join(tmpdir(), 'keepalived-process-test-'));
  folders.push(folder);
  return KeepalivedProcess.spawn(new ProcessRunner(), { director: 'lvs', argv: [process.execPath, '-e', script], logFile: join(folder, 'keepalived.log') });
}

describe('waiting on keepalived', () => {
  it("fails at once, with keepalived's own last words, when keepalived exits during the wait", async () => {
    const daemon = await standIn(
      `console.log('Wed Nov 25 15:19:45 2026: (VI_51) tracked interface eth9 doesn\\'t exist');` +
        `console.log('Wed Nov 25 15:19:45 2026: Non-existent interface specified in configuration');` +
        `process.exitCode = 2;`,
    );
    const started = Date.now();
    const failure = await waitWhileKeepalivedRuns([daemon], async () => Promise.reject(new Error('the table is empty')), {
      timeoutMs: 30_000,
      awaiting: "the IPVS table of lvs to hold the topology's rules",
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CommandError);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((failure as Error).message).toMatch(/could not start \(keepalived on lvs exited with code 2 before the IPVS table of lvs to hold the topology's rules\)/);
    expect((failure as Error).message).toContain("\n  (VI_51) tracked interface eth9 doesn't exist\n  Non-existent interface specified in configuration");
  });

  it('times out as any bounded wait does while keepalived keeps running, and stops with SIGTERM', async () => {
    const daemon = await standIn(`console.log('Startup complete'); ${STAY_UP}`);
    await expect(
      waitWhileKeepalivedRuns([daemon], async () => Promise.reject(new Error('the VIP is on no director')), { timeoutMs: 300, awaiting: 'the VIP to be on lvs alone' }),
    ).rejects.toThrow(WaitTimeoutError);
    expect(daemon.running).toBe(true);
    await daemon.stop('SIGTERM');
    expect(daemon.running).toBe(false);
  });

  it('passes on what the attempt returns while keepalived runs, and SIGKILL ends it', async () => {
    const daemon = await standIn(STAY_UP);
    await expect(waitWhileKeepalivedRuns([daemon], async () => 'settled', { timeoutMs: 5_000, awaiting: 'anything' })).resolves.toBe('settled');
    await daemon.stop('SIGKILL');
    expect(daemon.running).toBe(false);
  });
});
