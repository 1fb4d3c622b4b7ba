// The doctor on a cluster handle: read its kernel state, judge it.
import type { Cluster } from '../cluster/cluster.js';
import { diagnoseCluster, type Finding } from './diagnose.js';
import { readClusterState } from './read-cluster-state.js';

/** The known LVS-TUN pitfalls present in the live cluster. */
export async function runDoctor(cluster: Pick<Cluster, 'runner' | 'plan'>): Promise<Finding[]> {
  return diagnoseCluster(cluster.plan.topology, await readClusterState(cluster.runner, cluster.plan));
}
