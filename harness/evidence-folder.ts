// Where evidence (captures, logs) is written so that it can outlive a run: inside the User-Mode
// Linux guest that is the read-write host folder LVS_HARNESS_OUTPUT, since the guest's own /tmp
// vanishes at power-off; elsewhere the system's temporary folder.
import { mkdtemp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The note a folder kept on purpose (the evidence of a failed check) carries: gc leaves it alone. */
export const KEPT_NOTE = 'kept.txt';

/** How every evidence folder's name begins (then the run id and the kind). */
export const EVIDENCE_PREFIX = 'lvs-harness-';

/** Makes a new, uniquely named evidence folder; its name carries the run id for gc. */
export async function makeEvidenceFolder(runId: string, kind: string): Promise<string> {
  const root = process.env.LVS_HARNESS_OUTPUT ?? tmpdir();
  await mkdir(root, { recursive: true });
  return mkdtemp(join(root, `${EVIDENCE_PREFIX}${runId}-${kind}-`));
}
