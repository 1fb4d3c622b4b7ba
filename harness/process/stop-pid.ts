// Stopping a process we did not keep a handle on (a server of a cluster left up): SIGTERM,
// then SIGKILL, each followed by a bounded wait until it is gone.
import { waitFor } from './wait-for.js';

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

async function signalAndWait(pid: number, label: string, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  process.kill(pid, signal);
  await waitFor(
    async () => {
      if (!isGone(pid)) throw new Error(`${label} (pid ${pid}) still runs`);
    },
    { timeoutMs, awaiting: `${label} (pid ${pid}) to exit after ${signal}` },
  );
}

/** Stops the process; resolves once it no longer exists. */
export async function stopPid(pid: number, label: string, graceMs = 3_000): Promise<void> {
  if (isGone(pid)) return;
  try {
    await signalAndWait(pid, label, 'SIGTERM', graceMs);
  } catch {
    await signalAndWait(pid, label, 'SIGKILL', graceMs);
  }
}
