// What a run left behind, by its run id: namespaces, folders, records, and processes (those
// whose command line names the run, e.g. keepalived with its run-folder files; and, when
// no other cluster is up, any process running the harness's agents, whose command lines
// do not name the run).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { registryFolder } from '../../harness/cluster/run-registry.js';

/** Every leftover of the run, as lines a failed assertion shows; empty when nothing is left. */
export function leftoversOf(runId: string, options: { anyAgentProcess?: boolean } = {}): string[] {
  const list = (folder: string) => (existsSync(folder) ? readdirSync(folder).filter((name) => name.includes(runId)) : []);
  const processes = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        return `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`;
      } catch {
        return '';
      }
    })
    .filter((line) => line.includes(runId) || (options.anyAgentProcess === true && line.includes('harness/agents/')));
  return [
    ...list('/run/netns').map((name) => `namespace ${name}`),
    ...list(tmpdir()).map((name) => `folder ${name}`),
    ...list(registryFolder()).map((name) => `record ${name}`),
    ...processes.map((line) => `process ${line}`),
  ];
}
