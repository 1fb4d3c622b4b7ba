// The bundle's scripts: every command a build ran, in order, as a shell script that rebuilds
// the same cluster by hand without this project (the agents travel in the bundle), and
// the script that takes it down again. Pure.
import type { JournalEntry } from '../process/command-journal.js';
import { CommandJournal } from '../process/command-journal.js';
import { quoteArgument } from '../process/command-error.js';

/**
 * The build's journal as a script; each relocated path (the agents', the HTTP server's: [path on
 * this machine, its place in the bundle]), and the run folder's (keepalived's configuration,
 * pid files and log), point into the bundle.
 */
export function renderReplayScript(entries: readonly JournalEntry[], relocations: ReadonlyArray<readonly [string, string]>, topologyName: string, runDir?: string): string {
  const journal = new CommandJournal();
  for (const entry of entries) journal.record(entry);
  let body = journal
    .toShellScript()
    .split('\n')
    .filter((line) => line !== '#!/bin/sh' && line !== 'set -e')
    .join('\n');
  for (const [from, to] of [...relocations, ...(runDir ? [[`${runDir}/`, '"$BUNDLE"/logs/'] as const] : [])]) body = body.split(from).join(to);
  return [
    '#!/bin/sh',
    `# Rebuilds the cluster "${topologyName}" exactly as lvs-harness built it, command by command.`,
    '# Run as root in a kernel with ip_vs and ipip (modprobe ip_vs ipip); take it down with teardown.sh.',
    '# Lines ending in & start the servers; the harness waited for each to print "listening".',
    'set -e',
    'BUNDLE=$(cd "$(dirname "$0")" && pwd)',
    body.trimEnd(),
    '',
  ].join('\n');
}

/** Kills what runs in the namespaces and deletes them. */
export function renderTeardownScript(namespaces: readonly string[]): string {
  const list = namespaces.map(quoteArgument).join(' ');
  return [
    '#!/bin/sh',
    '# Takes down what commands.sh built: the processes in its namespaces first, then the namespaces.',
    `for ns in ${list}; do`,
    '  for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done',
    '  ip netns del "$ns" 2>/dev/null || true',
    'done',
    '',
  ].join('\n');
}
