// Finds the processes inside a named network namespace the way `ip netns pids` does (by the
// namespace's inode), but without starting a process per namespace: deleting a namespace
// does not kill what runs in it, so teardown must find and kill those first.
import { readdir, readlink, stat } from 'node:fs/promises';
import { namespaceFile } from './process-runner.js';
import { waitFor } from './wait-for.js';

/** The pids whose network namespace is the named one; empty when it does not exist. */
export async function processesInNamespaces(namespaces: readonly string[]): Promise<Map<string, number[]>> {
  const inodeToName = new Map<string, string>();
  for (const name of namespaces) {
    try {
      const info = await stat(namespaceFile(name));
      inodeToName.set(`net:[${info.ino}]`, name);
    } catch {
      // Not there (already deleted, or never made): nothing can run in it.
    }
  }
  const found = new Map<string, number[]>(namespaces.map((name) => [name, []]));
  if (inodeToName.size === 0) return found;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const link = await readlink(`/proc/${entry}/ns/net`).catch(() => undefined);
    const name = link && inodeToName.get(link);
    if (name) found.get(name)!.push(Number(entry));
  }
  return found;
}

/** SIGKILLs every process in the namespaces and waits, bounded, until they are gone. */
export async function killProcessesInNamespaces(namespaces: readonly string[], timeoutMs = 5_000): Promise<number> {
  let killed = 0;
  await waitFor(
    async () => {
      const pids = [...(await processesInNamespaces(namespaces)).values()].flat();
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
          killed += 1;
        } catch {
          // Already gone.
        }
      }
      if (pids.length > 0) throw new Error(`processes still running: ${pids.join(', ')}`);
    },
    { timeoutMs, awaiting: `the processes in ${namespaces.join(', ')} to exit after SIGKILL`, intervalMs: 10 },
  );
  return killed;
}
