// An IPv6 VIP in tunnel mode, both ways IPVS tunnels it: IPv6-in-IPv6 to the real servers'
// IPv6 addresses (fixtures/topologies/ipv6-tun.yaml, ip6tnl0), and IPv6 inside IPv4 to their
// IPv4 ones (ipv6-over-ipv4.yaml, sit0). check's assertions hold, from IPv6 packets; a UDP
// service over IPv6 too; and a real server whose ip6tnl0 is down fails for its connections,
// the doctor naming it (and the VIP that went with it).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTopologyFile, runChecks, type Topology } from '../harness/library/index.js';
import { useCluster } from './support/use-cluster.js';
import { expectDirectReturnFailsOnlyFor, findingNames } from './support/report-expectations.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/topologies/${name}`, import.meta.url));

/** The same cluster serving UDP port 53: the service, its real servers' rules and their servers. */
function asUdp(topology: Topology): Topology {
  return {
    ...topology,
    hosts: topology.hosts.map((host) => (host.http ? { ...host, http: { ...host.http, port: 53 } } : host)),
    service: { ...topology.service, protocol: 'udp', port: 53, realServers: topology.service.realServers.map((server) => ({ ...server, port: 53 })) },
  };
}

describe('an IPv6 VIP tunnelled as IPv6-in-IPv6', () => {
  const cluster = useCluster(() => loadTopologyFile(fixture('ipv6-tun.yaml')));

  it("passes check's assertions from IPv6 packets: the director's table names the real servers by their IPv6 addresses", async () => {
    const table = await cluster().ipvsTable();
    expect(table).toMatch(/TCP\s+\[2001:db8:73::120\]:80 rr/);
    expect(table).toMatch(/-> \[2001:db8:73::110\]:80\s+Tunnel/);
    const report = await runChecks(cluster(), { connections: 4 });
    expect(report.verdicts.filter((verdict) => !verdict.ok)).toEqual([]);
    expect(report.connections[0]!.connection).toMatch(/^2001:db8:73::50:\d+$/);
    expect(report.connections[0]!.properties[1]!.evidence[0]!.summary).toMatch(/2001:db8:73::100 > 2001:db8:73::11[01]: IP6 2001:db8:73::50\.\d+ > 2001:db8:73::120\.80: Flags \[S\]/);
  });

  it("fails for web2's connections once its ip6tnl0 is down, and the doctor names it", async () => {
    await cluster().exec('web2', ['ip', 'link', 'set', 'ip6tnl0', 'down']);
    const report = await runChecks(cluster(), { connections: 4 });
    expectDirectReturnFailsOnlyFor(report, 'web2', ['web1']);
    // IPv6 takes an interface's addresses away when it goes down (keep_addr_on_down 0): the VIP goes with it.
    expect(findingNames(report)).toEqual(['tunl0-down@web2', 'vip-missing-on-real-server@web2']);
    expect(report.findings[0]!.problem).toBe('ip6tnl0 on web2 is down');
  });
});

describe('an IPv6 VIP tunnelled inside IPv4', () => {
  const cluster = useCluster(() => loadTopologyFile(fixture('ipv6-over-ipv4.yaml')));

  it("passes check's assertions: IPv4 outside, the client's IPv6 packet unchanged inside", async () => {
    expect(await cluster().ipvsTable()).toMatch(/-> 192\.168\.73\.110:80\s+Tunnel/);
    const report = await runChecks(cluster(), { connections: 4 });
    expect(report.verdicts.filter((verdict) => !verdict.ok)).toEqual([]);
    expect(report.connections[0]!.properties[1]!.evidence[0]!.summary).toMatch(/192\.168\.73\.100 > 192\.168\.73\.11[01]: IP6 2001:db8:73::50\.\d+ > 2001:db8:73::120\.80/);
  });
});

describe('a UDP service on an IPv6 VIP', () => {
  const cluster = useCluster(async () => asUdp(await loadTopologyFile(fixture('ipv6-tun.yaml'))));

  it("passes check's assertions, each datagram answered from the VIP", async () => {
    const report = await runChecks(cluster(), { connections: 4 });
    expect(report.verdicts.filter((verdict) => !verdict.ok)).toEqual([]);
    expect(report.connections).toHaveLength(4);
  });
});
