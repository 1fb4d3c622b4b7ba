// The contract a user's configurator runs under: every variable the README lists, with the
// cluster's values, and the topology as JSON that reads back as the same data.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadTopologyFile, parseTopologyText } from '../topology/load-topology.js';
import { hostNamed, type Host, type Topology } from '../topology/topology.js';
import { planCluster } from './cluster-plan.js';
import { CONFIGURATOR_VARIABLES, configuratorEnvironment, topologyJson } from './configurator-environment.js';

const seedPath = fileURLToPath(new URL('../../fixtures/topologies/seed-tun.yaml', import.meta.url));
const seedText = readFileSync(seedPath, 'utf8');
const seed = parseTopologyText(seedText, seedPath);
const paths = { topologyJson: '/run/lvs-harness/abcd1234/topology.json', runDir: '/run/lvs-harness/abcd1234' };

const environmentOf = (topology: Topology, host: Host | string) => {
  const plan = planCluster(topology, 'abcd1234');
  return configuratorEnvironment(plan, typeof host === 'string' ? hostNamed(topology, host) : host, paths);
};

/** The seed with text added under `service:` after the VIP. */
const seedWithService = (extra: string) => parseTopologyText(seedText.replace('vip: 192.168.73.120', `vip: 192.168.73.120\n  ${extra}`), seedPath);

describe('configuratorEnvironment', () => {
  it('sets every variable of the contract, and only those, each a string', () => {
    for (const host of ['lvs', 'web1']) {
      const environment = environmentOf(seed, host);
      expect(Object.keys(environment).sort(), host).toEqual(Object.keys(CONFIGURATOR_VARIABLES).sort());
      expect(Object.values(environment).every((value) => typeof value === 'string'), host).toBe(true);
    }
  });

  it("tells the seed's director about itself and the cluster", () => {
    const plan = planCluster(seed, 'abcd1234');
    expect(environmentOf(seed, 'lvs')).toEqual({
      LVS_HARNESS_TOPOLOGY_JSON: '/run/lvs-harness/abcd1234/topology.json',
      LVS_HARNESS_HOST: 'lvs',
      LVS_HARNESS_ROLE: 'director',
      LVS_HARNESS_NAMESPACE: plan.hostNamespaces.get('lvs'),
      LVS_HARNESS_UPLINK: 'eth0',
      LVS_HARNESS_ADDRESS: '192.168.73.100',
      LVS_HARNESS_PREFIX_LENGTH: '24',
      LVS_HARNESS_VIP: '192.168.73.120',
      LVS_HARNESS_PORT: '80',
      LVS_HARNESS_PROTOCOL: 'tcp',
      LVS_HARNESS_TUNNEL: 'ipip',
      LVS_HARNESS_SCHEDULER: 'rr',
      LVS_HARNESS_PERSISTENCE: '',
      LVS_HARNESS_REAL_SERVERS: '192.168.73.110:80:1:tunnel 192.168.73.111:80:1:tunnel',
      LVS_HARNESS_DIRECTORS: '192.168.73.100',
      LVS_HARNESS_RUN_DIR: '/run/lvs-harness/abcd1234',
    });
    expect(plan.hostNamespaces.get('lvs')).toBe('lvsh-abcd1234-lvs');
  });

  it("tells a real server about itself, and the same cluster as the director's", () => {
    const director = environmentOf(seed, 'lvs');
    const realServer = environmentOf(seed, 'web2');
    expect(realServer).toMatchObject({
      LVS_HARNESS_HOST: 'web2',
      LVS_HARNESS_ROLE: 'real-server',
      LVS_HARNESS_NAMESPACE: 'lvsh-abcd1234-web2',
      LVS_HARNESS_ADDRESS: '192.168.73.111',
      LVS_HARNESS_UPLINK: 'eth0',
    });
    const ownKeys = ['LVS_HARNESS_HOST', 'LVS_HARNESS_ROLE', 'LVS_HARNESS_NAMESPACE', 'LVS_HARNESS_ADDRESS'];
    const shared = (environment: Record<string, string>) => Object.fromEntries(Object.entries(environment).filter(([key]) => !ownKeys.includes(key)));
    expect(shared(realServer)).toEqual(shared(director));
  });

  it("names the plan's uplink", () => {
    const plan = { ...planCluster(seed, 'abcd1234'), uplink: 'up0' };
    expect(configuratorEnvironment(plan, hostNamed(seed, 'web1'), paths).LVS_HARNESS_UPLINK).toBe('up0');
  });

  it('gives the persistence in seconds when the service has some', () => {
    expect(environmentOf(seedWithService('persistence: 300'), 'lvs').LVS_HARNESS_PERSISTENCE).toBe('300');
  });

  it("lists each real server's port, weight and forwarding, and every director", () => {
    const topology = parseTopologyText(
      seedText
        .replace('    - host: web2\n      forwarding: tunnel', '    - host: web2\n      forwarding: direct-routing\n      weight: 3')
        .replace('scheduler: rr', 'scheduler: wlc'),
      seedPath,
    );
    expect(environmentOf(topology, 'lvs')).toMatchObject({
      LVS_HARNESS_REAL_SERVERS: '192.168.73.110:80:1:tunnel 192.168.73.111:80:3:direct-routing',
      LVS_HARNESS_SCHEDULER: 'wlc',
    });
    const vrrp = parseTopologyText(
      seedText
        .replace('  lvs:\n    role: director\n    address: 192.168.73.100', '  lvs1:\n    role: director\n    address: 192.168.73.100\n  lvs2:\n    role: director\n    address: 192.168.73.101')
        .replace('scheduler: rr', 'scheduler: rr\n  rulesFrom: keepalived\n  vrrp: {}'),
      seedPath,
    );
    expect(environmentOf(vrrp, 'lvs2')).toMatchObject({ LVS_HARNESS_HOST: 'lvs2', LVS_HARNESS_DIRECTORS: '192.168.73.100 192.168.73.101' });
  });

  it("adds the configurator's own env, from the topology file", async () => {
    const topology = await loadTopologyFile(fileURLToPath(new URL('../../fixtures/configurators/script-director-leaves-out-web2.yaml', import.meta.url)));
    const environment = environmentOf(topology, 'lvs');
    expect(environment.LEAVE_OUT).toBe('192.168.73.111');
    expect(Object.keys(environment).sort()).toEqual([...Object.keys(CONFIGURATOR_VARIABLES), 'LEAVE_OUT'].sort());
  });

  it("lets the configurator's own env add variables but never change one of the contract", () => {
    const director = hostNamed(seed, 'lvs');
    const host: Host = {
      ...director,
      configurator: {
        argv: ['my-controller'],
        cwd: '/',
        daemon: false,
        sets: ['ipvs'],
        expect: 'topology',
        timeoutSeconds: 30,
        env: { MODE: 'fast', LVS_HARNESS_VIP: '10.0.0.1', LVS_HARNESS_HOST: 'other', LVS_HARNESS_REAL_SERVERS: '', LVS_HARNESS_RUN_DIR: '/tmp' },
      },
    };
    const environment = environmentOf(seed, host);
    expect(environment.MODE).toBe('fast');
    expect(environment).toMatchObject({
      LVS_HARNESS_VIP: '192.168.73.120',
      LVS_HARNESS_HOST: 'lvs',
      LVS_HARNESS_REAL_SERVERS: '192.168.73.110:80:1:tunnel 192.168.73.111:80:1:tunnel',
      LVS_HARNESS_RUN_DIR: '/run/lvs-harness/abcd1234',
    });
    expect(environmentOf(seed, director)).toEqual(Object.fromEntries(Object.entries(environment).filter(([key]) => key !== 'MODE')));
  });
});

describe('topologyJson', () => {
  it('reads back as the same resolved topology, newline-terminated', async () => {
    const withConfigurator = await loadTopologyFile(fileURLToPath(new URL('../../fixtures/configurators/script-director.yaml', import.meta.url)));
    for (const topology of [seed, seedWithService('persistence: 300\n  persistenceNetmask: 255.255.255.0'), withConfigurator]) {
      const text = topologyJson(topology);
      expect(text.endsWith('}\n'), topology.name).toBe(true);
      expect(JSON.parse(text), topology.name).toEqual(topology);
    }
  });

  it("carries a configurator's resolved settings, which its program can read", async () => {
    const topology = await loadTopologyFile(fileURLToPath(new URL('../../fixtures/configurators/script-real-servers.yaml', import.meta.url)));
    const data = JSON.parse(topologyJson(topology)) as Topology;
    expect(data.hosts.find((host) => host.name === 'web1')?.configurator).toEqual(hostNamed(topology, 'web1').configurator);
    expect(data.service.realServers).toEqual(topology.service.realServers);
    expect(data.service.rulesFrom).toBe('ipvsadm-restore');
  });
});
