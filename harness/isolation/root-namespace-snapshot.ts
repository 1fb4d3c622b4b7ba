// Reads the state of the namespace this process runs in (the root namespace, for the harness)
// so that a test can show a build, its checks and its teardown left it exactly as it was.
import { readlink } from 'node:fs/promises';
import { requireTools } from '../process/find-tool.js';
import { ProcessRunner } from '../process/process-runner.js';
import { diffSnapshots, formatSnapshotChanges } from './diff-snapshots.js';
import { SNAPSHOT_SOURCES, SNAPSHOT_TOOLS, type SnapshotSource } from './snapshot-sources.js';
import type { RootNamespaceSnapshot, SnapshotChange, SnapshotSection } from './snapshot-types.js';

export class RootNamespaceChanged extends Error {
  override name = 'RootNamespaceChanged';
  constructor(readonly changes: SnapshotChange[]) {
    super(formatSnapshotChanges(changes));
  }
}

/** Snapshots links, addresses, routes, rules, net.ipv4/net.ipv6 sysctls, IPVS and firewall rulesets. */
export async function takeRootNamespaceSnapshot(runner = new ProcessRunner()): Promise<RootNamespaceSnapshot> {
  requireTools(SNAPSHOT_TOOLS);
  const namespace = await readlink('/proc/self/ns/net');
  // Inside a container PID 1 may be out of reach (EACCES): then which namespace is the initial one is unknown.
  const initialNamespace = await readlink('/proc/1/ns/net').catch((error: NodeJS.ErrnoException) => `unknown (${error.code ?? error.message})`);
  // One after the other: inside User-Mode Linux there is one CPU, and reading is fast.
  const sections: SnapshotSection[] = [];
  for (const source of SNAPSHOT_SOURCES) sections.push(await readSection(runner, source));
  return { namespace, initialNamespace, takenAt: new Date().toISOString(), sections };
}

/** Throws RootNamespaceChanged, naming every difference, unless the two snapshots agree. */
export function assertRootNamespaceUnchanged(before: RootNamespaceSnapshot, after: RootNamespaceSnapshot): void {
  const changes = diffSnapshots(before, after);
  if (changes.length > 0) throw new RootNamespaceChanged(changes);
}

async function readSection(runner: ProcessRunner, source: SnapshotSource): Promise<SnapshotSection> {
  const base = { name: source.name, command: source.argv.join(' '), ordered: source.ordered };
  const result = await runner.run(source.argv, { allowFailure: true });
  if (result.exitCode !== 0) {
    // The kernel lacks what the tool reads (nf_tables inside User-Mode Linux): that is state too.
    const reason = `exit ${result.exitCode}: ${result.stderr.trim().split('\n')[0] ?? ''}`;
    return { ...base, unreadable: reason, entries: [] };
  }
  return { ...base, entries: source.parse(result.stdout) };
}
