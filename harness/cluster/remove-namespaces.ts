// The last step of every teardown, and gc's only one: the namespaces go, with whatever still
// runs in them, and nothing outside them is touched.
import { existsSync } from 'node:fs';
import { namespaceFile, type ProcessRunner } from '../process/process-runner.js';
import { killProcessesInNamespaces } from '../process/namespace-processes.js';
import { renderNamespaceRemovalBatch } from '../plan/render-ip-batches.js';

/** Kills what runs in the namespaces, then deletes them; never touches anything else. */
export async function removeNamespaces(runner: ProcessRunner, namespaces: readonly string[]): Promise<void> {
  await killProcessesInNamespaces(namespaces);
  // -force: a namespace that was never made (a build that failed early) must not stop the rest.
  await runner.run(['ip', '-force', '-batch', '-'], { input: renderNamespaceRemovalBatch(namespaces), allowFailure: true });
  const survivors = namespaces.filter((namespace) => existsSync(namespaceFile(namespace)));
  if (survivors.length > 0) throw new Error(`namespaces still present after deletion: ${survivors.join(', ')}`);
}
