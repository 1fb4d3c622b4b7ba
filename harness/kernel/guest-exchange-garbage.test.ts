import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectGuestGarbage, findGuestGarbage, judgeExchangeFolder, writeExchangeOwner } from './guest-exchange-garbage.js';
import { processStartTime } from '../cluster/run-registry.js';

describe("judging a guest's exchange folder", () => {
  const owner = { pid: 1, startTime: '1', createdAt: '' };
  it('leaves a live owner\'s folder alone, removes a dead one\'s, keeps a dead one\'s evidence', () => {
    expect(judgeExchangeFolder({ owner, ownerAlive: true, kernelAlive: false, hasEvidence: false, ageMs: 1e9 })).toBe('live');
    expect(judgeExchangeFolder({ owner, ownerAlive: false, kernelAlive: true, hasEvidence: false, ageMs: 1e9 })).toBe('remove');
    expect(judgeExchangeFolder({ owner, ownerAlive: false, kernelAlive: false, hasEvidence: true, ageMs: 1e9 })).toBe('keep-evidence');
  });

  it('gives a folder without an owner file a minute, and its running kernel the benefit of the doubt', () => {
    expect(judgeExchangeFolder({ ownerAlive: false, kernelAlive: false, hasEvidence: false, ageMs: 5_000 })).toBe('live');
    expect(judgeExchangeFolder({ ownerAlive: false, kernelAlive: true, hasEvidence: false, ageMs: 1e9 })).toBe('live');
    expect(judgeExchangeFolder({ ownerAlive: false, kernelAlive: false, hasEvidence: false, ageMs: 1e9 })).toBe('remove');
  });
});

describe('gc of exchange folders', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'lvsh-exchange-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** A folder owned by a process that has exited. */
  async function deadOwnersFolder(name: string, evidence: boolean): Promise<string> {
    const folder = join(root, name);
    await mkdir(join(folder, 'output'), { recursive: true });
    const child = execa('sleep', ['5']);
    const pid = child.pid!;
    const startTime = processStartTime(pid)!;
    child.kill('SIGKILL');
    await child.catch(() => undefined);
    await writeFile(join(folder, 'owner.json'), JSON.stringify({ pid, startTime, createdAt: '' }));
    if (evidence) await writeFile(join(folder, 'output', 'report.json'), '{}');
    return folder;
  }

  it("removes a dead owner's empty folder, keeps and names one with evidence, never touches a live owner's", async () => {
    const empty = await deadOwnersFolder('vm-dead', false);
    const kept = await deadOwnersFolder('vm-evidence', true);
    const live = join(root, 'vm-live');
    await mkdir(live);
    await writeExchangeOwner(live);
    expect(await findGuestGarbage(root)).toEqual({ exchangeFolders: [empty], keptExchangeFolders: [kept], guestKernels: [] });
    await collectGuestGarbage(root);
    expect((await findGuestGarbage(root)).exchangeFolders).toEqual([]);
    await expect(import('node:fs/promises').then((fs) => fs.readdir(root))).resolves.toEqual(['vm-evidence', 'vm-live']);
  });
});
