import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectGuestGarbage, findGuestGarbage, judgeExchangeFolder, writeExchangeOwner } from './guest-exchange-garbage.js';
import { processStartTime } from '../process/process-start-time.js';

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
  async function deadOwnersFolder(name: string, evidence: 'none' | 'finished' | 'kept-capture' | 'unfinished-capture'): Promise<string> {
    const folder = join(root, name);
    await mkdir(join(folder, 'output'), { recursive: true });
    const child = execa('sleep', ['5']);
    const pid = child.pid!;
    const startTime = processStartTime(pid)!;
    child.kill('SIGKILL');
    await child.catch(() => undefined);
    await writeFile(join(folder, 'owner.json'), JSON.stringify({ pid, startTime, createdAt: '' }));
    if (evidence === 'finished') {
      await writeFile(join(folder, 'output', 'report.json'), '{}');
      await writeFile(join(folder, 'exit-status'), '1\n');
    }
    if (evidence === 'kept-capture' || evidence === 'unfinished-capture') {
      await mkdir(join(folder, 'output', 'lvs-harness-1234abcd-captures-x'));
      await writeFile(join(folder, 'output', 'lvs-harness-1234abcd-captures-x', 'web1-eth0.pcap'), '');
      if (evidence === 'kept-capture') await writeFile(join(folder, 'output', 'lvs-harness-1234abcd-captures-x', 'kept.txt'), 'kept');
    }
    return folder;
  }

  it("removes a dead owner's folder (an unfinished capture too), keeps and names evidence kept on purpose, never touches a live owner's", async () => {
    const empty = await deadOwnersFolder('vm-dead', 'none');
    const unfinished = await deadOwnersFolder('vm-killed-mid-capture', 'unfinished-capture');
    const finished = await deadOwnersFolder('vm-finished', 'finished');
    const kept = await deadOwnersFolder('vm-kept-capture', 'kept-capture');
    const live = join(root, 'vm-live');
    await mkdir(live);
    await writeExchangeOwner(live);
    const garbage = await findGuestGarbage(root);
    expect(garbage.exchangeFolders.sort()).toEqual([empty, unfinished].sort());
    expect(garbage.keptExchangeFolders.sort()).toEqual([finished, kept].sort());
    await collectGuestGarbage(root);
    expect((await findGuestGarbage(root)).exchangeFolders).toEqual([]);
    await expect(import('node:fs/promises').then((fs) => fs.readdir(root).then((names) => names.sort()))).resolves.toEqual(['vm-finished', 'vm-kept-capture', 'vm-live']);
  });
});
