// GUE and GRE tunnels (fixtures/topologies/gue-tunnel.yaml, gre-tunnel.yaml): check's
// assertions hold, property 2 judging the encapsulation the director actually used; the
// director switched to another tunnel type fails property 2 naming both; a real server that
// does not decapsulate fails for its connections, and the doctor names what is missing.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTopologyFile, runChecks, type Cluster } from '../harness/library/index.js';
import { useCluster } from './support/use-cluster.js';
import { editRealServer } from './support/director-rules.js';
import { expectDirectReturnFailsOnlyFor, findingNames } from './support/report-expectations.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/topologies/${name}`, import.meta.url));

/** Rewrites every real server's rule on the director with other tunnel flags. */
async function retunnel(cluster: Cluster, flags: string[]): Promise<void> {
  for (const server of cluster.topology.service.realServers) await editRealServer(cluster, server.host, server.weight, flags);
}

describe('a GUE tunnel (UDP port 6080)', () => {
  const cluster = useCluster(() => loadTopologyFile(fixture('gue-tunnel.yaml')));

  it("passes check's assertions, property 2 naming GUE and its port", async () => {
    const report = await runChecks(cluster(), { connections: 4 });
    expect(report.verdicts.filter((verdict) => !verdict.ok)).toEqual([]);
    expect(report.connections[0]!.properties[1]!.detail).toMatch(/^the director encapsulated \d+ packets in GUE \(UDP port 6080\) from 192\.168\.73\.100 to/);
    expect(report.connections[0]!.properties[1]!.evidence[0]!.summary).toMatch(/192\.168\.73\.100\.\d+ > 192\.168\.73\.11[01]\.6080: GUE 192\.168\.73\.50\.\d+ > 192\.168\.73\.120\.80/);
  });

  it('fails property 2 naming both when the director sends GRE instead', async () => {
    await retunnel(cluster(), ['--tun-type', 'gre']);
    const report = await runChecks(cluster(), { assertions: ['tun-contract'], connections: 2 });
    expect(report.verdicts[0]!.ok).toBe(false);
    expect(report.verdicts[0]!.message).toContain('property 2 (IP-in-IP to a real server) failed: lvs encapsulated in GRE, the topology says GUE (UDP port 6080)');
    await retunnel(cluster(), ['--tun-type', 'gue', '--tun-port', '6080']);
  });

  it("fails for web2's connections once web2 stops decapsulating port 6080, and the doctor names the closed port", async () => {
    await cluster().exec('web2', ['ip', 'fou', 'del', 'port', '6080']);
    const report = await runChecks(cluster(), { connections: 4 });
    expectDirectReturnFailsOnlyFor(report, 'web2', ['web1']);
    expect(findingNames(report)).toEqual(['gue-port-closed@web2']);
  });
});

describe('a GRE tunnel with checksums', () => {
  const cluster = useCluster(() => loadTopologyFile(fixture('gre-tunnel.yaml')));

  it("passes check's assertions, property 2 naming GRE", async () => {
    expect(await cluster().ipvsTable(['--tun-info'])).toMatch(/Tunnel\s+gre:\+c/);
    const report = await runChecks(cluster(), { connections: 4 });
    expect(report.verdicts.filter((verdict) => !verdict.ok)).toEqual([]);
    expect(report.connections[0]!.properties[1]!.detail).toMatch(/^the director encapsulated \d+ packets in GRE from 192\.168\.73\.100 to/);
  });

  it("fails for web1's connections once its GRE device is down, and the doctor names it", async () => {
    await cluster().exec('web1', ['ip', 'link', 'set', 'gre-lvs', 'down']);
    const report = await runChecks(cluster(), { connections: 4 });
    expectDirectReturnFailsOnlyFor(report, 'web1', ['web2']);
    expect(findingNames(report)).toEqual(['gre-device-down@web1']);
  });
});
