import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectGuestGarbage, findGuestGarbage, guestKernelsByFolder, judgeExchangeFolder, writeExchangeOwner } from './guest-exchange-garbage.js';
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

describe('finding the guests the harness booted', () => {
  it("knows a QEMU guest by the exchange folder inside its -append, as a UML kernel by its own argument", async () => {
    const uml = '/var/tmp/lvs-harness/vm-unit-uml';
    const qemu = '/var/tmp/lvs-harness/vm-unit-qemu';
    // Stand-ins with the command lines of each: node ignores the arguments after its script.
    const wait = 'setTimeout(() => undefined, 30_000)';
    const children = [
      execa(process.execPath, ['-e', wait, 'linux.uml', 'mem=256M', `lvsh_exchange=${uml}`], { reject: false }),
      execa(process.execPath, ['-e', wait, 'qemu-system-x86_64', '-append', `console=ttyS0 quiet panic=-1 lvsh_exchange=${qemu} i8042.noaux`], { reject: false }),
    ];
    try {
      const found = await guestKernelsByFolder();
      expect(found.get(uml)).toEqual([children[0]!.pid]);
      expect(found.get(qemu)).toEqual([children[1]!.pid]);
    } finally {
      for (const child of children) child.kill('SIGKILL');
      await Promise.all(children);
    }
  });
});
