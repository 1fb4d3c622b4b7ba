// The exchange folders of guests (/var/tmp/lvs-harness/vm-*) whose owner is gone. Each folder
// says who made it (owner.json: the pid and the kernel's start time of the process that booted
// the guest), so the judgement is exact: a folder whose owner still runs is live and never
// touched; one whose owner is gone goes, with any User-Mode Linux kernel still running for it,
// unless it holds evidence kept on purpose (what a finished command left in LVS_HARNESS_OUTPUT,
// captures marked kept), which stays and is named.
import { constants, existsSync } from 'node:fs';
import { access, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processStartTime } from '../process/process-start-time.js';
import { inGuest } from './guest-identity.js';

export const EXCHANGE_ROOT = '/var/tmp/lvs-harness';
const OWNER_FILE = 'owner.json';
/** A folder without an owner file may be one being made right now: wait this long. */
const GRACE_MS = 60_000;

export interface ExchangeOwner {
  pid: number;
  startTime: string;
  createdAt: string;
}

export interface GuestGarbage {
  /** Exchange folders of dead owners, holding no evidence: removed. */
  exchangeFolders: string[];
  /** Exchange folders of dead owners that hold evidence: kept, and named. */
  keptExchangeFolders: string[];
  /** User-Mode Linux kernels still running for a dead owner's folder: killed. */
  guestKernels: number[];
}

/** Records this process as the folder's owner. */
export async function writeExchangeOwner(folder: string): Promise<void> {
  const owner: ExchangeOwner = { pid: process.pid, startTime: processStartTime(process.pid) ?? '', createdAt: new Date().toISOString() };
  await writeFile(join(folder, OWNER_FILE), `${JSON.stringify(owner)}\n`);
}

export type ExchangeJudgement = 'live' | 'remove' | 'keep-evidence';

/** Pure: what gc does with one folder. */
export function judgeExchangeFolder(facts: { owner?: ExchangeOwner; ownerAlive: boolean; kernelAlive: boolean; hasEvidence: boolean; ageMs: number }): ExchangeJudgement {
  if (facts.owner ? facts.ownerAlive : facts.kernelAlive || facts.ageMs < GRACE_MS) return 'live';
  return facts.hasEvidence ? 'keep-evidence' : 'remove';
}

/** Finds the dead guests' folders and kernels; changes nothing. */
export async function findGuestGarbage(root = EXCHANGE_ROOT, now = Date.now()): Promise<GuestGarbage> {
  const garbage: GuestGarbage = { exchangeFolders: [], keptExchangeFolders: [], guestKernels: [] };
  // Inside a guest the host's processes are invisible, and its own exchange folder is mounted
  // read-write below a read-only root: it could only misjudge. Guests are the host's to collect.
  // (The guest marker may be cleared, as a suite does to act like a capable host: the read-only
  // root tells too.)
  if (inGuest() && root === EXCHANGE_ROOT) return garbage;
  if (!(await access(root, constants.W_OK).then(() => true, () => false))) return garbage;
  const names = (await readdir(root).catch(() => [] as string[])).filter((name) => name.startsWith('vm-'));
  if (names.length === 0) return garbage;
  const kernels = await guestKernelsByFolder();
  for (const name of names) {
    const folder = join(root, name);
    const owner = await readFile(join(folder, OWNER_FILE), 'utf8').then((text) => JSON.parse(text) as ExchangeOwner).catch(() => undefined);
    const ageMs = now - ((await stat(folder).catch(() => undefined))?.mtimeMs ?? now);
    const hasEvidence = await holdsEvidence(folder);
    const judgement = judgeExchangeFolder({
      owner,
      ownerAlive: owner !== undefined && processStartTime(owner.pid) === owner.startTime,
      kernelAlive: (kernels.get(folder) ?? []).length > 0,
      hasEvidence,
      ageMs,
    });
    if (judgement === 'live') continue;
    garbage.guestKernels.push(...(kernels.get(folder) ?? []));
    (judgement === 'keep-evidence' ? garbage.keptExchangeFolders : garbage.exchangeFolders).push(folder);
  }
  return garbage;
}

/**
 * Evidence kept on purpose: what the guest's command left in output/ when it finished (the host
 * keeps such a folder and names it), or a capture marked kept (kept.txt). A command killed
 * halfway leaves only unfinished captures: garbage, as gc judges a run's capture folders.
 */
async function holdsEvidence(folder: string): Promise<boolean> {
  const output = join(folder, 'output');
  const entries = await readdir(output).catch(() => [] as string[]);
  if (entries.length === 0) return false;
  if (existsSync(join(folder, 'exit-status'))) return true;
  return entries.some((entry) => existsSync(join(output, entry, 'kept.txt')));
}

/** Kills the dead guests' kernels and removes their folders (the ones with evidence stay). */
export async function collectGuestGarbage(root = EXCHANGE_ROOT): Promise<GuestGarbage> {
  const garbage = await findGuestGarbage(root);
  for (const pid of garbage.guestKernels) {
    // UML runs as a process group of its own (the harness starts it detached).
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  }
  for (const folder of garbage.exchangeFolders) await rm(folder, { recursive: true, force: true });
  return garbage;
}

/** The host processes of guests the harness booted (UML kernels, QEMU), by their exchange folder. */
export async function guestKernelsByFolder(): Promise<Map<string, number[]>> {
  const found = new Map<string, number[]>();
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    // UML takes it as an argument of its own; QEMU inside -append's kernel command line.
    const folder = /(?:^|[\0 ])lvsh_exchange=([^\0 ]+)/.exec(cmdline)?.[1];
    if (folder) found.set(folder, [...(found.get(folder) ?? []), Number(pid)]);
  }
  return found;
}
