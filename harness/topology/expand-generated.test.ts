import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadTopologyFile, parseTopologyText } from './load-topology.js';

const featuresPath = fileURLToPath(new URL('../../fixtures/topologies/features.yaml', import.meta.url));

const base = `
segment: { subnet: 10.20.0.0/24 }
hosts:
  client: { role: client, address: 10.20.0.2 }
  lvs: { role: director, address: 10.20.0.3 }
service: { vip: 10.20.0.100, realServers: [] }
`;

describe('topology features for bug reports', () => {
  it('generates web1..webN at consecutive addresses, as hosts and as real servers', async () => {
    const topology = await loadTopologyFile(featuresPath);
    expect(topology.hosts.filter((host) => host.role === 'real-server').map((host) => [host.name, host.address])).toEqual([
      ['web1', '10.20.0.11'],
      ['web2', '10.20.0.12'],
      ['web3', '10.20.0.13'],
    ]);
    expect(topology.service.realServers.map((server) => server.host)).toEqual(['web1', 'web2', 'web3']);
    expect(topology.service.scheduler).toBe('wrr');
  });

  it('carries per-host MTU, netem, sysctls, commands and the assertions', async () => {
    const topology = await loadTopologyFile(featuresPath);
    const client = topology.hosts.find((host) => host.name === 'client')!;
    expect(client).toMatchObject({ mtu: 1400, netem: { delay: '5ms' } });
    expect(topology.hosts.find((host) => host.name === 'web1')!.mtu).toBe(1500);
    expect(topology.hosts.find((host) => host.name === 'lvs')!.commands).toEqual([['ip', 'link', 'set', 'eth0', 'txqueuelen', '500']]);
    expect(topology.assertions).toEqual(['distribution', 'tun-contract', 'doctor']);
  });

  it('takes a padded response size', () => {
    const text = base
      .replace('realServers: []', 'realServers: [{ host: web1 }]')
      .replace('  lvs: {', '  web1: { role: real-server, address: 10.20.0.11, http: { bodySize: 4000 } }\n  lvs: {');
    const topology = parseTopologyText(text, 't.yaml');
    expect(topology.hosts.find((host) => host.name === 'web1')!.http).toEqual({ port: 80, body: 'this is web1\n', bodySize: 4000 });
  });

  it('rejects a generated name that is already a host, and a count past the segment', () => {
    const clash = base + 'generate: { realServers: { count: 2, namePrefix: lvs, firstAddress: 10.20.0.11 } }\n';
    expect(() => parseTopologyText(clash.replace('lvs: {', 'lvs1: {'), 'g.yaml')).toThrow('generate.realServers.namePrefix: would generate lvs1, which is already under hosts');
    const overflow = base + 'generate: { realServers: { count: 10, firstAddress: 10.20.0.250 } }\n';
    expect(() => parseTopologyText(overflow, 'g.yaml')).toThrow(/hosts\.web6\.address: 10\.20\.0\.255 is the network or broadcast address/);
  });

  it('rejects malformed netem values, an MTU out of range and an unknown assertion, naming each field', () => {
    const bad = base.replace('client: { role: client, address: 10.20.0.2 }', 'client: { role: client, address: 10.20.0.2, mtu: 100, netem: { delay: fast, loss: half } }') + 'assertions: [speed]\n';
    let message = '';
    try {
      parseTopologyText(bad, 'bad.yaml');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('hosts.client.mtu: must be from 576 to 9000');
    expect(message).toContain('hosts.client.netem.delay: must be a time like 20ms');
    expect(message).toContain('hosts.client.netem.loss: must be a percentage like 1%');
    expect(message).toMatch(/assertions\[0\]: .*round-robin/);
  });

  it('refuses failover assertions on a cluster that cannot fail over', () => {
    const text = base.replace('realServers: []', 'realServers: [{ host: web1 }]').replace('  lvs: {', '  web1: { role: real-server, address: 10.20.0.11 }\n  lvs: {');
    expect(() => parseTopologyText(`${text}assertions: [round-robin, real-server-failover, director-failover]\n`, 'f.yaml')).toThrow(
      /assertions: real-server-failover needs service.rulesFrom: keepalived[\s\S]*assertions: director-failover needs service.vrrp/,
    );
  });

  it('still needs at least one real server when none is generated', () => {
    expect(() => parseTopologyText(base, 'none.yaml')).toThrow('service.realServers: must list at least one real server (or use generate.realServers)');
  });
});
