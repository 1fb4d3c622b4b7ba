// The library of public bug reports (fixtures/bugs): each topology reproduces one report with
// its broken setting, and its suite shows the symptom, then applies the report's fix to the
// running cluster and shows the symptom gone.
import { fileURLToPath } from 'node:url';
import { loadTopologyFile, readIpvsEntries, runDoctor, waitFor, type Cluster, type Topology } from '../../harness/library/index.js';

/** A bug report's topology file, by its name in fixtures/bugs. */
export function bugReportFile(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/bugs/${name}.yaml`, import.meta.url));
}

export function loadBugReport(name: string): Promise<Topology> {
  return loadTopologyFile(bugReportFile(name));
}

/** The director's connection-table entries from one client port (its persistence templates aside). */
export async function entriesFromPort(cluster: Cluster, director: string, clientPort: number) {
  const entries = await readIpvsEntries(cluster.namespaceReader(director));
  return entries.filter((entry) => entry.client.endsWith(`:${clientPort}`));
}

/** Waits until the director holds no entry for a client port (it expired), within a bound. */
export async function waitUntilForgotten(cluster: Cluster, director: string, clientPort: number, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const left = await entriesFromPort(cluster, director, clientPort);
      if (left.length > 0) throw new Error(`${director} still holds ${left.map((entry) => `${entry.state} (expires in ${entry.expiresIn} s)`).join(', ')}`);
    },
    { timeoutMs, intervalMs: 250, awaiting: `${director} to forget the connection from client port ${clientPort}` },
  );
}

/** The doctor's notes on the live cluster, as pitfall@host. */
export async function doctorNotes(cluster: Cluster): Promise<string[]> {
  return (await runDoctor(cluster)).filter((finding) => finding.severity === 'note').map((finding) => `${finding.pitfall}@${finding.host}`);
}
