// The vitest entry ('lvs-harness/vitest'): a `test` whose `cluster` fixture is built once per
// test file, on the first test that asks for it, and stopped after the file's last test, as
// the harness's own suites do with suites/support/use-cluster.ts. Only this entry needs vitest.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, type TestAPI } from 'vitest';
import { buildCluster, type BuildOptions } from '../cluster/build-cluster.js';
import type { Cluster } from '../cluster/cluster.js';
import { loadTopologyFile } from '../topology/load-topology.js';
import type { Topology } from '../topology/topology.js';

/** A topology, a topology file (a path from the current folder, or a file: URL), or a function that gives one. */
export type TopologySource = Topology | string | URL | (() => Topology | Promise<Topology>);

export interface ClusterFixtures {
  /** The file's cluster: built before its first test that uses it, stopped after the file. */
  cluster: Cluster;
}

/**
 * `test` with a file-scoped `cluster` fixture of `topology`. A build that fails fails every
 * test that uses it, with the build's error, and is not tried again for the file. Building
 * takes seconds (more inside User-Mode Linux), inside the first test's timeout: give tests
 * a testTimeout to match (the harness's kernel suites use 180 s).
 */
export function clusterTest(topology: TopologySource, options: BuildOptions = {}): TestAPI<ClusterFixtures> {
  if (topology === null || !['object', 'string', 'function'].includes(typeof topology)) {
    throw new TypeError(`clusterTest: topology must be a Topology, a file path or URL, or a function, got ${JSON.stringify(topology)}`);
  }
  return test.extend<ClusterFixtures>({
    cluster: [
      // vitest reads the fixture's first parameter for what it depends on: it must be a pattern.
      // eslint-disable-next-line no-empty-pattern
      async ({}, use) => {
        const cluster = await buildCluster(await topologyOf(topology), options);
        try {
          await use(cluster);
        } finally {
          await cluster.stop();
        }
      },
      { scope: 'file' },
    ],
  });
}

async function topologyOf(source: TopologySource): Promise<Topology> {
  if (typeof source === 'function') return source();
  if (typeof source === 'string') return loadTopologyFile(resolve(source));
  if (source instanceof URL) return loadTopologyFile(fileURLToPath(source));
  return source;
}
