import { afterAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { loadTopologyFile, parseTopologyText } from './load-topology.js';
import { TopologyError } from './topology-error.js';
import { TOPOLOGY_DEFAULTS } from './topology-defaults.js';
import { configuratorFolders, hostNamed, topologyShares } from './topology.js';

const seedPath = fileURLToPath(new URL('../../fixtures/topologies/seed-tun.yaml', import.meta.url));

const seedText = `
segment: { subnet: 192.168.73.0/24 }
hosts:
  client: { role: client, address: 192.168.73.50 }
  lvs: { role: director, address: 192.168.73.100 }
  web1: { role: real-server, address: 192.168.73.110 }
  web2: { role: real-server, address: 192.168.73.111 }
service:
  vip: 192.168.73.120
  realServers: [{ host: web1 }, { host: web2 }]
`;

function problemsOf(text: string): string {
  try {
    parseTopologyText(text, 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(TopologyError);
    return (error as TopologyError).message;
  }
  throw new Error('expected the topology to be rejected');
}

describe('loading a topology', () => {
  it('loads the seed fixture with the seed walkthrough addresses and defaults filled in', async () => {
    const topology = await loadTopologyFile(seedPath);
    expect(topology.name).toBe('seed-tun');
    expect(topology.hosts.map((host) => [host.name, host.role, host.address])).toEqual([
      ['client', 'client', '192.168.73.50'],
      ['lvs', 'director', '192.168.73.100'],
      ['web1', 'real-server', '192.168.73.110'],
      ['web2', 'real-server', '192.168.73.111'],
    ]);
    expect(topology.service).toMatchObject({ vip: '192.168.73.120', port: 80, scheduler: 'rr', protocol: 'tcp' });
    expect(topology.service.realServers).toEqual([
      { host: 'web1', address: '192.168.73.110', port: 80, weight: 1, forwarding: 'tunnel' },
      { host: 'web2', address: '192.168.73.111', port: 80, weight: 1, forwarding: 'tunnel' },
    ]);
    expect(topology.hosts.find((host) => host.name === 'web1')?.http).toEqual({ port: 80, body: 'this is web1\n' });
    expect(topology.hosts.find((host) => host.name === 'web1')?.mac).toBe('02:4c:c0:a8:49:6e');
  });

  it('takes JSON as well as YAML', () => {
    const json = JSON.stringify({
      segment: { subnet: '10.9.0.0/24' },
      hosts: { c: { role: 'client', address: '10.9.0.2' }, d: { role: 'director', address: '10.9.0.3' }, r: { role: 'real-server', address: '10.9.0.4' } },
      service: { vip: '10.9.0.9', realServers: [{ host: 'r' }] },
    });
    expect(parseTopologyText(json, 'x.json').service.realServers[0]?.address).toBe('10.9.0.4');
  });

  it('names the file when it cannot be read', async () => {
    await expect(loadTopologyFile('/nonexistent/topology.yaml')).rejects.toThrow('invalid topology /nonexistent/topology.yaml:\n  (file): cannot read: no such file');
  });

  it('reports malformed YAML with its line', () => {
    expect(problemsOf('hosts: [unclosed\n')).toMatch(/bad\.yaml[\s\S]*not valid YAML or JSON.*line \d+/);
  });

  it('rejects unknown keys, naming the path', () => {
    expect(problemsOf(seedText.replace('scheduler', 'x').replace('vip: 192.168.73.120', 'vip: 192.168.73.120\n  shceduler: rr'))).toContain(
      'service: unknown key "shceduler"',
    );
  });

  it('rejects wrong types and out-of-range ports, naming the field', () => {
    const message = problemsOf(seedText.replace('vip: 192.168.73.120', 'vip: 192.168.73.120\n  port: 70000').replace('{ host: web2 }', '{ host: web2, weight: "heavy" }'));
    expect(message).toContain('service.port: must be from 1 to 65535');
    expect(message).toMatch(/service\.realServers\[1\]\.weight: .*number/);
  });

  it('rejects duplicate addresses and a VIP that is a host address', () => {
    const message = problemsOf(seedText.replace('192.168.73.111', '192.168.73.110').replace('vip: 192.168.73.120', 'vip: 192.168.73.100'));
    expect(message).toContain('hosts.web2.address: 192.168.73.110 is already the address of host web1');
    expect(message).toContain('service.vip: 192.168.73.100 is also the address of host lvs');
  });

  it('rejects addresses outside the segment and host names too long for an interface', () => {
    expect(problemsOf(seedText.replace('192.168.73.50', '10.0.0.5'))).toContain('hosts.client.address: 10.0.0.5 is outside the segment 192.168.73.0/24');
    expect(problemsOf(seedText.replace(/web2/g, 'a-very-long-host-name'))).toContain('hosts.a-very-long-host-name: must be at most 12 characters');
  });

  it('rejects a real server that names no host, and a tunnel that would change the port', () => {
    const message = problemsOf(seedText.replace('{ host: web1 }', '{ host: web9 }').replace('{ host: web2 }', '{ host: web2, port: 8080 }'));
    expect(message).toContain('service.realServers[0].host: names no host: web9 is not under hosts');
    expect(message).toContain('service.realServers[1].port: tunnel cannot change the port');
  });

  it('rejects huge counts before looking at each entry', () => {
    const realServers = Array.from({ length: 10_000 }, (_, index) => `{ host: web${index} }`).join(', ');
    const message = problemsOf(seedText.replace('[{ host: web1 }, { host: web2 }]', `[${realServers}]`));
    expect(message).toContain('service.realServers: must list at most 128 real servers');
  });

  it('rejects names with shell metacharacters', () => {
    expect(problemsOf(seedText.replace(/web1/g, '"web1;rm"'))).toContain('hosts.web1;rm: must be lower-case letters');
  });
});

describe('loading a keepalived or VRRP topology', () => {
  const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/topologies/${name}`, import.meta.url));
  const twoDirectors = seedText.replace('  lvs: { role: director, address: 192.168.73.100 }', '  lvs1: { role: director, address: 192.168.73.100 }\n  lvs2: { role: director, address: 192.168.73.101 }');

  it('loads the seed under keepalived with its health check, and nothing of VRRP', async () => {
    const topology = await loadTopologyFile(fixture('seed-keepalived.yaml'));
    expect(topology.service).toMatchObject({
      rulesFrom: 'keepalived',
      inhibitOnFailure: false,
      healthCheck: { type: 'http-get', path: '/', statusCode: 200, delayLoop: 1, connectTimeout: 1, retry: 1, delayBeforeRetry: 1 },
    });
    expect(topology.service.vrrp).toBeUndefined();
    expect(topology.hosts.every((host) => host.vrrpPriority === undefined)).toBe(true);
  });

  it('loads two directors sharing the VIP through VRRP, each with its priority', async () => {
    const topology = await loadTopologyFile(fixture('seed-vrrp.yaml'));
    expect(topology.service.vrrp).toEqual({ virtualRouterId: 51, advertInterval: 1, syncDaemon: false });
    expect(topology.hosts.filter((host) => host.role === 'director').map((host) => [host.name, host.vrrpPriority])).toEqual([
      ['lvs1', 150],
      ['lvs2', 100],
    ]);
  });

  it('gives VRRP directors default priorities, the first listed the master, and keepalived default checks', () => {
    const topology = parseTopologyText(twoDirectors.replace('vip: 192.168.73.120', 'vip: 192.168.73.120\n  rulesFrom: keepalived\n  vrrp: {}'), 'vrrp.yaml');
    expect(topology.hosts.filter((host) => host.role === 'director').map((host) => host.vrrpPriority)).toEqual([150, 100]);
    expect(topology.service.healthCheck).toMatchObject({ type: 'http-get', delayLoop: 1 });
    expect(parseTopologyText(seedText.replace('vip: 192.168.73.120', 'vip: 192.168.73.120\n  rulesFrom: keepalived\n  healthCheck: { type: none }'), 'x.yaml').service.healthCheck).toEqual({
      type: 'none',
      delayLoop: 1,
    });
  });

  it('still needs exactly one director without VRRP, and says what two would need', () => {
    expect(problemsOf(twoDirectors)).toContain('hosts: needs exactly one host with role director, found 2 (two or more directors need service.vrrp, which moves the VIP between them)');
  });

  it('rejects keepalived settings when the rules do not come from keepalived', () => {
    const message = problemsOf(seedText.replace('vip: 192.168.73.120', 'vip: 192.168.73.120\n  inhibitOnFailure: true\n  healthCheck: { delayLoop: 2 }\n  vrrp: {}'));
    expect(message).toContain('service.healthCheck: is a keepalived setting: it needs service.rulesFrom: keepalived (got ipvsadm-restore)');
    expect(message).toContain('service.inhibitOnFailure: is a keepalived setting');
    expect(message).toContain('service.vrrp: is a keepalived setting');
  });

  it('rejects shared or misplaced VRRP priorities', () => {
    const shared = twoDirectors
      .replace('address: 192.168.73.100 }', 'address: 192.168.73.100, vrrpPriority: 120 }')
      .replace('address: 192.168.73.101 }', 'address: 192.168.73.101, vrrpPriority: 120 }')
      .replace('vip: 192.168.73.120', 'vip: 192.168.73.120\n  rulesFrom: keepalived\n  vrrp: {}');
    expect(problemsOf(shared)).toContain("hosts.lvs2.vrrpPriority: 120 is also lvs1's; each director needs a priority of its own");
    const misplaced = problemsOf(
      seedText
        .replace('address: 192.168.73.110 }', 'address: 192.168.73.110, vrrpPriority: 10 }')
        .replace('address: 192.168.73.100 }', 'address: 192.168.73.100, vrrpPriority: 200 }'),
    );
    expect(misplaced).toContain('hosts.web1.vrrpPriority: only directors take part in VRRP, and web1 is a real-server');
    expect(misplaced).toContain('hosts.lvs.vrrpPriority: needs service.vrrp: without VRRP there is no priority to have');
    expect(problemsOf(seedText.replace('address: 192.168.73.100 }', 'address: 192.168.73.100, vrrpPriority: 300 }'))).toContain('hosts.lvs.vrrpPriority: must be from 1 to 254');
  });

  it('rejects what keepalived cannot do: mixed forwarding, check settings without a check, impossible intervals', () => {
    const keepalived = (extra: string) => seedText.replace('vip: 192.168.73.120', `vip: 192.168.73.120\n  rulesFrom: keepalived\n${extra}`);
    expect(problemsOf(keepalived('').replace('{ host: web2 }', '{ host: web2, forwarding: direct-routing }'))).toContain(
      'service.realServers: keepalived forwards every real server of a service the same way (lb_kind), got tunnel and direct-routing',
    );
    expect(problemsOf(keepalived('  healthCheck: { type: none, path: /health }'))).toContain('service.healthCheck.path: means nothing with type none');
    const message = problemsOf(keepalived('  healthCheck: { delayLoop: 0, path: "health" }\n  vrrp: { virtualRouterId: 256 }'));
    expect(message).toContain('service.healthCheck.delayLoop: must be at least 0.1 seconds');
    expect(message).toContain('service.healthCheck.path: must be a URL path starting with /');
    expect(message).toContain('service.vrrp.virtualRouterId: must be from 1 to 255');
  });
});

describe('a UDP service, one-packet scheduling, idle timeouts and the sync daemon', () => {
  const withService = (extra: string) => seedText.replace('vip: 192.168.73.120', `vip: 192.168.73.120\n  ${extra}`);

  it('takes protocol udp with onePacket and timeouts; TCP with no ops, no timeouts and no sync by default', () => {
    const udp = parseTopologyText(withService('protocol: udp\n  port: 53\n  onePacket: true\n  timeouts: { udp: 10, tcp: 60 }'), 'udp.yaml');
    expect(udp.service).toMatchObject({ protocol: 'udp', port: 53, onePacket: true, timeouts: { udp: 10, tcp: 60 } });
    const seed = parseTopologyText(seedText, 'seed.yaml');
    expect(seed.service).toMatchObject({ protocol: 'tcp', onePacket: false });
    expect(seed.service.timeouts).toBeUndefined();
    const synced = parseTopologyText(
      withService('rulesFrom: keepalived\n  vrrp: { syncDaemon: true }').replace('lvs: { role: director, address: 192.168.73.100 }', 'lvs: { role: director, address: 192.168.73.100 }\n  lvs2: { role: director, address: 192.168.73.101 }'),
      'synced.yaml',
    );
    expect(synced.service.vrrp).toEqual({ virtualRouterId: 51, advertInterval: 1, syncDaemon: true });
  });

  it('takes a GUE or GRE tunnel, ipip with no checksum by default, and refuses what does not fit', () => {
    expect(parseTopologyText(seedText, 'seed.yaml').service.tunnel).toEqual({ type: 'ipip', checksum: 'none' });
    expect(parseTopologyText(withService('tunnel: { type: gue, port: 6080, checksum: remcsum }'), 'gue.yaml').service.tunnel).toEqual({ type: 'gue', port: 6080, checksum: 'remcsum' });
    expect(problemsOf(withService('tunnel: { type: gue }'))).toContain('service.tunnel.port: is needed with type gue');
    expect(problemsOf(withService('tunnel: { type: gre, port: 6080 }'))).toContain('service.tunnel.port: means nothing with type gre');
    expect(problemsOf(withService('tunnel: { type: gre, checksum: remcsum }'))).toContain("service.tunnel.checksum: remcsum is GUE's");
    expect(problemsOf(withService('protocol: udp\n  port: 6080\n  tunnel: { type: gue, port: 6080 }'))).toContain("service.tunnel.port: 6080 is also the UDP service's port");
    expect(problemsOf(withService('tunnel: { type: vxlan }'))).toContain('service.tunnel.type:');
  });

  it('refuses one-packet scheduling on TCP, a sync daemon without keepalived, an unknown protocol and a timeout of 0', () => {
    expect(problemsOf(withService('onePacket: true'))).toContain("service.onePacket: is UDP's: one-packet scheduling needs service.protocol: udp");
    expect(problemsOf(withService('vrrp: { syncDaemon: true }'))).toContain('service.vrrp.syncDaemon: needs service.rulesFrom: keepalived');
    expect(problemsOf(withService('protocol: sctp'))).toContain('service.protocol:');
    expect(problemsOf(withService('timeouts: { tcp: 0 }'))).toContain('service.timeouts.tcp:');
  });
});

describe('an IPv6 side and an IPv6 VIP', () => {
  const dual = seedText.replace('segment: { subnet: 192.168.73.0/24 }', 'segment: { subnet: 192.168.73.0/24, subnet6: 2001:db8:73::/64 }');
  const v6 = (extra = '') => dual.replace('vip: 192.168.73.120', `vip: 2001:db8:73::120${extra}`);

  it('gives every host an IPv6 address, derived from its IPv4 one unless it names its own, and names real servers by it', () => {
    const topology = parseTopologyText(v6().replace('web2: { role: real-server, address: 192.168.73.111 }', 'web2: { role: real-server, address: 192.168.73.111, address6: "2001:DB8:73:0::beef" }'), 'v6.yaml');
    expect(topology.hosts.map((host) => [host.name, host.address6])).toEqual([
      ['client', '2001:db8:73::50'],
      ['lvs', '2001:db8:73::100'],
      ['web1', '2001:db8:73::110'],
      ['web2', '2001:db8:73::beef'],
    ]);
    expect(topology.service).toMatchObject({ vip: '2001:db8:73::120', family: 'ipv6', tunnelOver: 'ipv6' });
    expect(topology.service.realServers.map((server) => server.address)).toEqual(['2001:db8:73::110', '2001:db8:73::beef']);
    expect(topology.segment).toMatchObject({ subnet6: '2001:db8:73::/64', prefixLength6: 64 });
    const overIpv4 = parseTopologyText(v6('\n  tunnelOver: ipv4'), 'v6.yaml');
    expect(overIpv4.service.realServers.map((server) => server.address)).toEqual(['192.168.73.110', '192.168.73.111']);
    // An IPv4 VIP on a dual segment stays IPv4, its real servers named by their IPv4 addresses.
    expect(parseTopologyText(dual, 'dual.yaml').service).toMatchObject({ family: 'ipv4', tunnelOver: 'ipv4', realServers: [{ address: '192.168.73.110' }, { address: '192.168.73.111' }] });
  });

  it('refuses an IPv6 VIP without an IPv6 side, outside it or on a host, clashing addresses, and what is not built for IPv6', () => {
    expect(problemsOf(seedText.replace('vip: 192.168.73.120', 'vip: 2001:db8:73::120'))).toContain('service.vip: 2001:db8:73::120 is an IPv6 address: the segment needs an IPv6 side too (segment.subnet6)');
    expect(problemsOf(v6().replace('2001:db8:73::120', '2001:db8:99::120'))).toContain("is outside the segment's IPv6 network 2001:db8:73::/64");
    expect(problemsOf(v6().replace('2001:db8:73::120', '2001:db8:73::110'))).toContain('service.vip: 2001:db8:73::110 is also the IPv6 address of host web1');
    expect(problemsOf(v6().replace('address: 192.168.73.111 }', 'address: 192.168.73.111, address6: 2001:db8:73::110 }'))).toContain('hosts.web2.address6: 2001:db8:73::110 is already the IPv6 address of host web1');
    expect(problemsOf(seedText.replace('address: 192.168.73.111 }', 'address: 192.168.73.111, address6: 2001:db8:73::111 }'))).toContain('hosts.web2.address6: needs segment.subnet6');
    expect(problemsOf(dual.replace('2001:db8:73::/64', '2001:db8:73::1/64'))).toContain('segment.subnet6: must be an IPv6 network in CIDR form');
    expect(problemsOf(v6('\n  rulesFrom: keepalived'))).toContain('service.rulesFrom: an IPv6 service takes its rules from ipvsadm or ipvsadm-restore here');
    expect(problemsOf(v6('\n  tunnel: { type: gre }'))).toContain('service.tunnel.type: an IPv6 service is tunnelled as IPv6-in-IPv6 or IPv6 inside IPv4 here, not gre');
    expect(problemsOf(v6().replace('{ host: web2 }', '{ host: web2, forwarding: nat }'))).toContain('service.realServers[1].forwarding: an IPv6 service forwards by tunnel here, not nat');
    expect(problemsOf(dual.replace('vip: 192.168.73.120', 'vip: 192.168.73.120\n  tunnelOver: ipv6'))).toContain("service.tunnelOver: is an IPv6 service's");
    expect(problemsOf(seedText.replace('vip: 192.168.73.120', 'vip: not-an-address'))).toContain('service.vip: must be an IPv4 address like 192.168.73.120 or an IPv6 one');
  });
});

describe('a client with several addresses, and persistence granularity', () => {
  it('takes extra client addresses as a list or a run, and persistence with a netmask', () => {
    const text = seedText
      .replace('client: { role: client, address: 192.168.73.50 }', 'client: { role: client, address: 192.168.73.50, extraAddresses: { count: 3, first: 192.168.73.150 } }')
      .replace('vip: 192.168.73.120', 'vip: 192.168.73.120\n  persistence: 300\n  persistenceNetmask: 255.255.255.0');
    const topology = parseTopologyText(text, 'many.yaml');
    expect(topology.hosts.find((host) => host.name === 'client')!.extraAddresses).toEqual(['192.168.73.150', '192.168.73.151', '192.168.73.152']);
    expect(topology.service).toMatchObject({ persistence: 300, persistenceNetmask: '255.255.255.0' });
  });

  it('refuses extra addresses that clash, lie outside the segment, or belong to another role; and a netmask without persistence', () => {
    const text = seedText
      .replace('client: { role: client, address: 192.168.73.50 }', 'client: { role: client, address: 192.168.73.50, extraAddresses: [192.168.73.110, 10.0.0.1, 192.168.73.120] }')
      .replace('web2: { role: real-server, address: 192.168.73.111 }', 'web2: { role: real-server, address: 192.168.73.111, extraAddresses: [192.168.73.60] }')
      .replace('vip: 192.168.73.120', 'vip: 192.168.73.120\n  persistenceNetmask: 255.0.255.0');
    const problems = problemsOf(text);
    expect(problems).toContain('hosts.client.extraAddresses[0]: 192.168.73.110 is already the address of host web1');
    expect(problems).toContain('hosts.client.extraAddresses[1]: 10.0.0.1 is outside the segment 192.168.73.0/24');
    expect(problems).toContain('service.vip: 192.168.73.120 is also the address of host client');
    expect(problems).toContain('hosts.web2.extraAddresses: only the client sends from extra addresses, and web2 is a real-server');
    expect(problems).toContain('service.persistenceNetmask: needs service.persistence');
    expect(problems).toContain('service.persistenceNetmask: must be a netmask like 255.255.255.0, got "255.0.255.0"');
  });
});

describe('loading a topology with configurators', () => {
  const fixturesFolder = fileURLToPath(new URL('../../fixtures/configurators/', import.meta.url)).replace(/\/$/, '');
  const hostLines: Record<string, string> = {
    client: '  client: { role: client, address: 192.168.73.50 }',
    lvs: '  lvs: { role: director, address: 192.168.73.100 }',
    web1: '  web1: { role: real-server, address: 192.168.73.110 }',
    web2: '  web2: { role: real-server, address: 192.168.73.111 }',
  };
  /** The seed with `configurator` (YAML flow text) on each named host. */
  const configured = (configurators: Record<string, string>, text = seedText) =>
    Object.entries(configurators).reduce((result, [host, configurator]) => {
      const line = hostLines[host]!;
      expect(result).toContain(line);
      return result.replace(line, `${line.slice(0, -2)}, configurator: ${configurator} }`);
    }, text);
  const withService = (text: string, extra: string) => text.replace('vip: 192.168.73.120', `vip: 192.168.73.120\n  ${extra}`);

  const folders: string[] = [];
  /** A fresh folder holding the given files; removed after the block. */
  async function folderWith(files: Record<string, string>): Promise<string> {
    const folder = await mkdtemp(join(tmpdir(), 'lvs-harness-configurator-'));
    folders.push(folder);
    for (const [name, text] of Object.entries(files)) await writeFile(join(folder, name), text, { mode: 0o755 });
    return folder;
  }
  afterAll(async () => {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it('loads every fixture, each configurator program found beside its file and run there', async () => {
    const files = readdirSync(fixturesFolder).filter((name) => name.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const topology = await loadTopologyFile(join(fixturesFolder, file));
      const configurators = topology.hosts.flatMap((host) => (host.configurator ? [host.configurator] : []));
      expect(configurators.length, file).toBeGreaterThan(0);
      for (const configurator of configurators) {
        expect(isAbsolute(configurator.argv[0]!), file).toBe(true);
        expect(configurator.argv[0]!.startsWith(`${fixturesFolder}/`), file).toBe(true);
        expect(configurator.cwd, file).toBe(fixturesFolder);
      }
    }
  });

  it("takes the fixtures' settings: a daemon, expect stable, a timeout, env values as strings", async () => {
    const fixture = (name: string) => loadTopologyFile(join(fixturesFolder, name));
    expect(hostNamed(await fixture('own-keepalived.yaml'), 'lvs').configurator).toMatchObject({ argv: [join(fixturesFolder, 'run-keepalived.sh')], daemon: true });
    expect(hostNamed(await fixture('script-director-direct-routing.yaml'), 'lvs').configurator).toMatchObject({ expect: 'stable', env: { FORWARDING: '-g' } });
    expect(hostNamed(await fixture('script-director-leaves-out-web2.yaml'), 'lvs').configurator).toMatchObject({ timeoutSeconds: 5, env: { LEAVE_OUT: '192.168.73.111' } });
    const rpFilter = await fixture('script-real-servers-rp-filter.yaml');
    expect(rpFilter.service.rulesFrom).toBe(TOPOLOGY_DEFAULTS.rulesFrom);
    expect(hostNamed(rpFilter, 'web1').configurator).toMatchObject({ argv: [join(fixturesFolder, 'configure-real-server.sh')], env: { SKIP_RP_FILTER: '1' } });
  });

  it("takes the rules from a director's configurator that sets them, by default", async () => {
    expect((await loadTopologyFile(join(fixturesFolder, 'script-director.yaml'))).service.rulesFrom).toBe('configurator');
    expect(parseTopologyText(configured({ lvs: '{ run: [my-controller] }' }), 'x.yaml').service.rulesFrom).toBe('configurator');
    expect(parseTopologyText(configured({ lvs: '{ run: [my-controller], sets: [vip, ipvs] }' }), 'x.yaml').service.rulesFrom).toBe('configurator');
  });

  it("keeps the default rules, or the topology's rulesFrom, for a director's configurator that does not set ipvs", () => {
    expect(parseTopologyText(configured({ lvs: '{ run: [my-controller], sets: [vip] }' }), 'x.yaml').service.rulesFrom).toBe(TOPOLOGY_DEFAULTS.rulesFrom);
    expect(TOPOLOGY_DEFAULTS.rulesFrom).toBe('ipvsadm-restore');
    expect(parseTopologyText(withService(configured({ lvs: '{ run: [my-controller], sets: [vip, sysctls] }' }), 'rulesFrom: ipvsadm'), 'x.yaml').service.rulesFrom).toBe('ipvsadm');
    // A real server's configurator never decides where the rules come from.
    expect(parseTopologyText(configured({ web1: '{ run: [my-controller] }' }), 'x.yaml').service.rulesFrom).toBe(TOPOLOGY_DEFAULTS.rulesFrom);
  });

  it('fills in the defaults of a director and a real server configurator', () => {
    const topology = parseTopologyText(configured({ lvs: '{ run: [my-controller, --once] }', web1: '{ run: [my-agent] }' }), 'x.yaml');
    const common = { cwd: process.cwd(), daemon: false, expect: 'topology', timeoutSeconds: 30, env: {} };
    expect(TOPOLOGY_DEFAULTS.configuratorTimeoutSeconds).toBe(30);
    expect(hostNamed(topology, 'lvs').configurator).toEqual({ argv: ['my-controller', '--once'], sets: ['ipvs'], ...common });
    expect(hostNamed(topology, 'web1').configurator).toEqual({ argv: ['my-agent'], sets: ['tunnel', 'sysctls'], ...common });
    expect(hostNamed(topology, 'web2').configurator).toBeUndefined();
    expect(hostNamed(topology, 'client').configurator).toBeUndefined();
  });

  it('refuses what would only fail at build time or mean nothing: an empty program, expect without ipvs, a contract variable in env', () => {
    expect(problemsOf(configured({ lvs: '{ run: [""] }' }))).toContain('hosts.lvs.configurator.run: must name a program first, not an empty string');
    expect(problemsOf(configured({ lvs: '{ run: [my-controller], sets: [vip], expect: stable }' }))).toContain(
      'hosts.lvs.configurator.expect: needs ipvs in sets: it says what the table this configurator loads must become, and the harness loads this one',
    );
    expect(problemsOf(configured({ lvs: '{ run: [my-controller], env: { LVS_HARNESS_VIP: 10.0.0.1 } }' }))).toContain(
      "must not be an LVS_HARNESS_ variable: those are the contract's, set by the harness",
    );
  });

  it('refuses a ready line on a one-shot configurator, an invalid ready pattern, and expect stable with under 2 s to settle', () => {
    expect(problemsOf(configured({ lvs: '{ run: [my-controller], ready: "^up$" }' }))).toContain('hosts.lvs.configurator.ready: is a daemon\'s');
    expect(problemsOf(configured({ lvs: '{ run: [my-controller], daemon: true, ready: "([" }' }))).toContain('hosts.lvs.configurator.ready: must be a valid regular expression');
    expect(problemsOf(configured({ lvs: '{ run: [my-controller], expect: stable, timeout: 1 }' }))).toContain('hosts.lvs.configurator.timeout: must be at least 2 seconds with expect: stable');
    expect(hostNamed(parseTopologyText(configured({ web1: '{ run: [my-agent], daemon: true, ready: "^configured" }' }), 'x.yaml'), 'web1').configurator?.ready).toBe('^configured');
  });

  it('shares with a guest the topology file and its configurators\' folders, never a path inside another', async () => {
    const file = join(fixturesFolder, 'script-director.yaml');
    const topology = await loadTopologyFile(file);
    expect(configuratorFolders(topology)).toEqual([fixturesFolder]);
    expect(topologyShares(file, topology)).toEqual([fixturesFolder]);
    const seed = parseTopologyText(seedText, 'seed.yaml');
    expect(topologyShares('/srv/reports/seed.yaml', seed)).toEqual(['/srv/reports/seed.yaml']);
    const elsewhere = parseTopologyText(configured({ lvs: '{ run: [/usr/bin/env] }' }), 'x.yaml');
    expect(topologyShares('/srv/x.yaml', elsewhere)).toEqual(['/srv/x.yaml', process.cwd(), '/usr/bin']);
  });

  it('refuses a program path that is a folder or not executable, naming the field', async () => {
    const folder = await folderWith({ 'plain.txt': 'not a program\n', 'topology.yaml': configured({ lvs: '{ run: [./plain.txt] }', web1: '{ run: [./] }' }) });
    await chmod(join(folder, 'plain.txt'), 0o644);
    const message = await loadTopologyFile(join(folder, 'topology.yaml')).then(() => '', (error: Error) => error.message);
    expect(message).toContain(`hosts.lvs.configurator.run[0]: not executable (chmod +x it): ${join(folder, 'plain.txt')}`);
    expect(message).toContain(`hosts.web1.configurator.run[0]: not a file: ${folder}`);
  });

  it('takes each setting as given, and names a part once however often it is listed', () => {
    const topology = parseTopologyText(
      configured({ lvs: '{ run: [my-controller], daemon: true, sets: [ipvs, vip, sysctls, vip], expect: stable, timeout: 2.5, env: { MODE: fast, COUNT: 3 } }' }),
      'x.yaml',
    );
    expect(hostNamed(topology, 'lvs').configurator).toMatchObject({ daemon: true, sets: ['ipvs', 'vip', 'sysctls'], expect: 'stable', timeoutSeconds: 2.5, env: { MODE: 'fast', COUNT: '3' } });
  });

  it('finds a relative program beside the topology file and runs it in that folder, whatever the current folder', async () => {
    const folder = await folderWith({
      'x.sh': '#!/bin/sh\n',
      'topology.yaml': configured({ lvs: '{ run: [./x.sh, --flag, ./not-a-program] }' }),
    });
    const configurator = hostNamed(await loadTopologyFile(join(folder, 'topology.yaml')), 'lvs').configurator!;
    expect(configurator.argv).toEqual([join(folder, 'x.sh'), '--flag', './not-a-program']);
    expect(configurator.cwd).toBe(folder);
    expect(folder).not.toBe(process.cwd());
  });

  it('leaves a bare program name to be looked up on the PATH', async () => {
    const folder = await folderWith({ 'topology.yaml': configured({ lvs: '{ run: [keepalived, --dont-fork] }' }) });
    const configurator = hostNamed(await loadTopologyFile(join(folder, 'topology.yaml')), 'lvs').configurator!;
    expect(configurator.argv).toEqual(['keepalived', '--dont-fork']);
    expect(configurator.cwd).toBe(folder);
  });

  it('rejects a program path that does not exist, naming run[0] and the file it looked for', async () => {
    const folder = await folderWith({ 'topology.yaml': configured({ lvs: '{ run: [./missing.sh] }', web1: '{ run: [/nonexistent/agent] }' }) });
    const path = join(folder, 'topology.yaml');
    const error = await loadTopologyFile(path).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(TopologyError);
    const message = (error as TopologyError).message;
    expect(message).toContain(`invalid topology ${path}:`);
    expect(message).toContain(`hosts.lvs.configurator.run[0]: no such file: ${join(folder, 'missing.sh')}`);
    expect(message).toContain('hosts.web1.configurator.run[0]: no such file: /nonexistent/agent');
  });

  it('rejects a configurator on the client', () => {
    expect(problemsOf(configured({ client: '{ run: [my-controller] }' }))).toContain(
      "hosts.client.configurator: only directors and real servers have a configurator: the client is the harness's",
    );
  });

  it("rejects parts that are not the host's role's to set", () => {
    expect(problemsOf(configured({ lvs: '{ run: [my-controller], sets: [tunnel] }' }))).toContain(
      "hosts.lvs.configurator.sets: tunnel is not a director's to set: a director's configurator sets ipvs, vip, sysctls",
    );
    expect(problemsOf(configured({ web1: '{ run: [my-agent], sets: [ipvs] }' }))).toContain(
      "hosts.web1.configurator.sets: ipvs is not a real-server's to set: a real-server's configurator sets tunnel, sysctls",
    );
    const both = problemsOf(configured({ web2: '{ run: [my-agent], sets: [tunnel, vip, ipvs] }' }));
    expect(both).toContain("hosts.web2.configurator.sets: vip is not a real-server's to set");
    expect(both).toContain("hosts.web2.configurator.sets: ipvs is not a real-server's to set");
    expect(problemsOf(configured({ lvs: '{ run: [my-controller], sets: [] }' }))).toContain('hosts.lvs.configurator.sets: must name at least one part');
    expect(problemsOf(configured({ lvs: '{ run: [my-controller], sets: [routes] }' }))).toMatch(/hosts\.lvs\.configurator\.sets\[0\]: .*expected one of "ipvs"\|"vip"\|"sysctls"\|"tunnel"/);
  });

  it('rejects expect on a real server', () => {
    expect(problemsOf(configured({ web1: '{ run: [my-agent], expect: stable }' }))).toContain(
      "hosts.web1.configurator.expect: is a director's: it says what its IPVS table must become",
    );
  });

  it("rejects service.rulesFrom beside a director's configurator that sets the rules", () => {
    for (const rulesFrom of ['ipvsadm', 'ipvsadm-restore', 'keepalived']) {
      expect(problemsOf(withService(configured({ lvs: '{ run: [my-controller] }' }), `rulesFrom: ${rulesFrom}`)), rulesFrom).toContain(
        'service.rulesFrom: conflicts with hosts.lvs.configurator, which sets the IPVS rules (leave rulesFrom out, or take ipvs out of its sets)',
      );
    }
    expect(problemsOf(withService(configured({ lvs: '{ run: [my-controller], sets: [ipvs, vip] }' }), 'rulesFrom: ipvsadm'))).toContain(
      'service.rulesFrom: conflicts with hosts.lvs.configurator',
    );
    // rulesFrom cannot name the configurator itself: it is what a configurator makes it.
    expect(problemsOf(withService(seedText, 'rulesFrom: configurator'))).toMatch(/service\.rulesFrom: .*expected one of "ipvsadm"\|"ipvsadm-restore"\|"keepalived"/);
  });

  it('rejects keepalived settings when the rules come from a configurator', () => {
    expect(problemsOf(withService(configured({ lvs: '{ run: [my-controller] }' }), 'healthCheck: { delayLoop: 2 }'))).toContain(
      'service.healthCheck: is a keepalived setting: it needs service.rulesFrom: keepalived (got configurator)',
    );
  });

  it('rejects an unknown key inside a configurator', () => {
    expect(problemsOf(configured({ lvs: '{ run: [my-controller], deamon: true }' }))).toContain('hosts.lvs.configurator: unknown key "deamon"');
  });

  it('rejects an empty or missing run', () => {
    expect(problemsOf(configured({ lvs: '{ run: [] }' }))).toContain('hosts.lvs.configurator.run: must name a command');
    expect(problemsOf(configured({ web1: '{ daemon: true }' }))).toContain('hosts.web1.configurator.run: is required');
  });

  it('rejects a timeout out of range and an env name that is not one', () => {
    expect(problemsOf(configured({ lvs: '{ run: [my-controller], timeout: 0 }' }))).toContain('hosts.lvs.configurator.timeout: must be at least 0.1 seconds');
    expect(problemsOf(configured({ lvs: '{ run: [my-controller], timeout: 7200 }' }))).toContain('hosts.lvs.configurator.timeout: must be at most 3600 seconds');
    expect(problemsOf(configured({ lvs: '{ run: [my-controller], env: { "1BAD": x } }' }))).toContain('hosts.lvs.configurator.env.1BAD: must be an environment variable name');
  });
});
