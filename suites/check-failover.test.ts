// check's failover assertions on the two-director VRRP cluster under keepalived: the file
// asks for them, and each holds (a real server taken out and back, the master director's
// keepalived stopped and started again).
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadTopologyFile, runChecks } from '../harness/library/index.js';
import { useCluster } from './support/use-cluster.js';

const VRRP = fileURLToPath(new URL('../fixtures/topologies/seed-vrrp.yaml', import.meta.url));

describe("check's assertions on seed-vrrp.yaml", () => {
  const cluster = useCluster(() => loadTopologyFile(VRRP));

  it('runs the ones the file names, failover included, and each holds', async () => {
    const report = await runChecks(cluster(), { connections: 4 });
    expect(report.verdicts.map((verdict) => `${verdict.property}: ${verdict.ok ? 'ok' : verdict.message}`)).toEqual([
      'round-robin: ok',
      'TUN contract: ok',
      'doctor: ok',
      'real-server failover: ok',
      'real-server return: ok',
      'director failover: ok',
      'director return: ok',
    ]);
  });
});
