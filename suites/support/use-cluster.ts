// One cluster per describe block: built before its tests, stopped after them.
import { afterAll, beforeAll } from 'vitest';
import { buildCluster, type Cluster, type Topology } from '../../harness/library/index.js';

/** Registers the build and the teardown; the returned function gives the cluster inside tests. */
export function useCluster(topology: () => Promise<Topology>): () => Cluster {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await buildCluster(await topology());
  });
  afterAll(() => cluster?.stop());
  return () => {
    if (!cluster) throw new Error('the cluster was not built (see the beforeAll error above)');
    return cluster;
  };
}
