// The kernel suites break clusters on purpose, and a check that fails keeps its captures as the
// user's evidence (a folder with kept.txt, which gc leaves alone). In a guest those folders are
// written to the guest's output folder on the host (LVS_HARNESS_OUTPUT, under
// /var/tmp/lvs-harness), which the guest's end then keeps: measured here, each `npm test` left
// its two kernel guests' folders holding 18 kept captures (0.85 MB), which nothing removed (one
// day's suite runs: 700 captures in 116 folders).
// A test that passed has asserted what it wanted of them, so the kept evidence folders made during
// it go when it ends; a test that failed keeps its own, as the evidence of that failure. Only the
// guest's output folder is looked at: it belongs to this run alone, where the system's
// temporary folder (the evidence root on a host kernel) may hold another run's evidence.
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach } from 'vitest';
import { EVIDENCE_PREFIX, KEPT_NOTE } from '../../harness/evidence-folder.js';

/** The evidence folders under `root` that the harness kept on purpose (kept.txt). */
async function keptEvidence(root: string): Promise<Set<string>> {
  const names = await readdir(root).catch(() => [] as string[]);
  return new Set(names.filter((name) => name.startsWith(EVIDENCE_PREFIX)).map((name) => join(root, name)).filter((folder) => existsSync(join(folder, KEPT_NOTE))));
}

beforeEach(async ({ onTestFinished }) => {
  const root = process.env.LVS_HARNESS_OUTPUT;
  if (!root) return;
  const before = await keptEvidence(root);
  onTestFinished(async ({ task }) => {
    if (task.result?.state !== 'pass') return;
    for (const folder of await keptEvidence(root)) if (!before.has(folder)) await rm(folder, { recursive: true, force: true });
  });
});
