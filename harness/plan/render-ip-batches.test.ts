import { describe, expect, it } from 'vitest';
import { validateTopologyData } from '../topology/load-topology.js';
import { testTopology } from '../topology/test-support/test-topology.js';
import { seedWithConfigurators } from '../topology/test-support/seed-with-host-settings.js';
import { hostNamed, type Topology } from '../topology/topology.js';
import { allNamespaces, planCluster, switchPortName, type ClusterPlan } from './cluster-plan.js';
import {
  netemCommand,
  renderHostBatch,
  renderNamespaceBatch,
  renderNamespaceRemovalBatch,
  renderSwitchBatch,
} from './render-ip-batches.js';

/** A batch as its commands, checking it is newline-terminated and has no blank lines. */
function commandsOf(batch: string): string[] {
  expect(batch.endsWith('\n')).toBe(true);
  const commands = batch.slice(0, -1).split('\n');
  expect(commands.every((command) => command.trim() !== '')).toBe(true);
  return commands;
}

/** A /16 segment, a client with extra addresses, a real server with its own MTU and netem. */
const featured: Topology = validateTopologyData({
  segment: { subnet: '10.20.0.0/16', mtu: 1450 },
  hosts: {
    client: { role: 'client', address: '10.20.0.50', extraAddresses: { count: 3, first: '10.20.0.60' } },
    lvs: { role: 'director', address: '10.20.0.100' },
    web1: { role: 'real-server', address: '10.20.1.10', mtu: 1400, netem: { delay: '20ms', jitter: '5ms', loss: '1%' } },
    web2: { role: 'real-server', address: '10.20.1.11', netem: { loss: '0.5%' } },
  },
  service: { vip: '10.20.0.120', realServers: [{ host: 'web1' }, { host: 'web2' }] },
});

/** The plan with another uplink name, as a plan may carry. */
function withUplink(plan: ClusterPlan, uplink: string): ClusterPlan {
  return { ...plan, uplink };
}

describe('renderNamespaceBatch', () => {
  it('adds every namespace of the run, switch first', () => {
    const plan = planCluster(testTopology(), 'abcd1234');
    expect(commandsOf(renderNamespaceBatch(plan))).toEqual(allNamespaces(plan).map((namespace) => `netns add ${namespace}`));
    expect(commandsOf(renderNamespaceBatch(plan))[0]).toBe(`netns add ${plan.switchNamespace}`);
  });
});

describe('renderNamespaceRemovalBatch', () => {
  it('deletes the namespaces in reverse order of creation', () => {
    expect(commandsOf(renderNamespaceRemovalBatch(['a', 'b', 'c']))).toEqual(['netns del c', 'netns del b', 'netns del a']);
  });

  it('does not reorder the list it is given', () => {
    const namespaces = ['a', 'b', 'c'];
    renderNamespaceRemovalBatch(namespaces);
    expect(namespaces).toEqual(['a', 'b', 'c']);
  });
});

describe('renderSwitchBatch', () => {
  const plan = planCluster(featured, 'abcd1234');
  const commands = commandsOf(renderSwitchBatch(plan));

  it('brings up a bridge with the segment MTU', () => {
    expect(commands).toContain('link set lo up');
    expect(commands).toContain(`link add br0 mtu 1450 type bridge`);
    expect(commands).toContain('link set br0 up');
    expect(commands.indexOf('link add br0 mtu 1450 type bridge')).toBeLessThan(commands.indexOf('link set br0 up'));
  });

  it("gives each host a veth whose peer is named the plan's uplink and lands in the host's namespace, with the host's MTU", () => {
    for (const host of featured.hosts) {
      const port = switchPortName(host.name);
      const namespace = plan.hostNamespaces.get(host.name)!;
      const create = commands.find((command) => command.startsWith(`link add ${port} `));
      expect(create, `veth of ${host.name}`).toBeDefined();
      expect(create).toBe(`link add ${port} mtu ${host.mtu} type veth peer name eth0 mtu ${host.mtu} netns ${namespace}`);
    }
    expect(commands).toContain('link add v-web1 mtu 1400 type veth peer name eth0 mtu 1400 netns lvsh-abcd1234-web1');
    expect(commands).toContain('link add v-client mtu 1450 type veth peer name eth0 mtu 1450 netns lvsh-abcd1234-client');
  });

  it('enslaves every switch port to the bridge and brings it up, after the bridge exists', () => {
    const bridgeAt = commands.indexOf('link add br0 mtu 1450 type bridge');
    for (const host of featured.hosts) {
      const port = switchPortName(host.name);
      const master = commands.indexOf(`link set ${port} master br0`);
      const up = commands.indexOf(`link set ${port} up`);
      expect(master).toBeGreaterThan(bridgeAt);
      expect(master).toBeGreaterThan(commands.findIndex((command) => command.startsWith(`link add ${port} `)));
      expect(up).toBeGreaterThan(-1);
    }
  });

  it("names the plan's uplink for the peer, whatever it is", () => {
    const renamed = commandsOf(renderSwitchBatch(withUplink(plan, 'up0')));
    const peers = renamed.filter((command) => command.includes(' type veth '));
    expect(peers).toHaveLength(featured.hosts.length);
    expect(peers.every((command) => command.includes(' peer name up0 '))).toBe(true);
    expect(renamed.join('\n')).not.toContain('eth0');
  });
});

describe('renderHostBatch', () => {
  const plan = planCluster(featured, 'abcd1234');
  const batchOf = (name: string, onPlan: ClusterPlan = plan) => commandsOf(renderHostBatch(onPlan, hostNamed(featured, name)));

  it("sets the host's MAC and address with the segment prefix on the uplink, and brings it up", () => {
    const web1 = hostNamed(featured, 'web1');
    const commands = batchOf('web1');
    expect(commands).toContain('link set lo up');
    expect(commands).toContain(`link set eth0 address ${web1.mac}`);
    expect(commands).toContain('addr add 10.20.1.10/16 dev eth0');
    expect(commands).toContain('link set eth0 up');
  });

  it("gives the client its extra addresses on the uplink, with the segment prefix", () => {
    const commands = batchOf('client');
    expect(commands.filter((command) => command.startsWith('addr add '))).toEqual([
      'addr add 10.20.0.50/16 dev eth0',
      'addr add 10.20.0.60/16 dev eth0',
      'addr add 10.20.0.61/16 dev eth0',
      'addr add 10.20.0.62/16 dev eth0',
    ]);
    // The client never holds the VIP, nor touches tunl0.
    expect(commands.join('\n')).not.toContain('10.20.0.120');
    expect(commands.join('\n')).not.toContain('tunl0');
  });

  it('gives the director the VIP as /32 on the uplink', () => {
    const commands = batchOf('lvs');
    expect(commands).toContain('addr add 10.20.0.100/16 dev eth0');
    expect(commands).toContain('addr add 10.20.0.120/32 dev eth0');
    expect(commands.join('\n')).not.toContain('tunl0');
  });

  it('leaves the VIP to keepalived on directors that share it through VRRP', () => {
    const vrrp = testTopology(['web1'], { rulesFrom: 'keepalived', vrrp: {} });
    const commands = commandsOf(renderHostBatch(planCluster(vrrp, 'abcd1234'), hostNamed(vrrp, 'lvs')));
    expect(commands).toContain('addr add 192.168.73.100/24 dev eth0');
    expect(commands.join('\n')).not.toContain('192.168.73.120');
  });

  it('sets tunl0 up on real servers and gives it the VIP as /32 (not on the uplink)', () => {
    for (const name of ['web1', 'web2']) {
      const commands = batchOf(name);
      expect(commands).toContain('link set tunl0 up');
      expect(commands).toContain('addr add 10.20.0.120/32 dev tunl0');
      expect(commands.filter((command) => command.includes('10.20.0.120'))).toEqual(['addr add 10.20.0.120/32 dev tunl0']);
    }
  });

  it("names the plan's uplink in every link command, whatever it is", () => {
    for (const host of featured.hosts) {
      const commands = batchOf(host.name, withUplink(plan, 'up0'));
      expect(commands.join('\n')).not.toContain('eth0');
      expect(commands).toContain('link set up0 up');
      expect(commands).toContain(`addr add ${host.address}/16 dev up0`);
    }
    expect(batchOf('lvs', withUplink(plan, 'up0'))).toContain('addr add 10.20.0.120/32 dev up0');
  });

  it('uses the seed walkthrough segment prefix /24 for the seed topology', () => {
    const seed = testTopology();
    const commands = commandsOf(renderHostBatch(planCluster(seed, 'abcd1234'), hostNamed(seed, 'web1')));
    expect(commands).toContain('addr add 192.168.73.110/24 dev eth0');
    expect(commands).toContain('addr add 192.168.73.120/32 dev tunl0');
  });
});

describe('renderHostBatch for an IPv6 side and an IPv6 VIP', () => {
  const v6 = (service: Record<string, unknown> = {}) =>
    validateTopologyData({
      segment: { subnet: '192.168.73.0/24', subnet6: '2001:db8:73::/64' },
      hosts: { client: { role: 'client', address: '192.168.73.50' }, lvs: { role: 'director', address: '192.168.73.100' }, web1: { role: 'real-server', address: '192.168.73.110' } },
      service: { vip: '2001:db8:73::120', realServers: [{ host: 'web1' }], ...service },
    });
  const batch = (topology: Topology, name: string) => commandsOf(renderHostBatch(planCluster(topology, 'abcd1234'), hostNamed(topology, name)));

  it('adds each host its IPv6 address without DAD, the VIP deprecated (never a source) on the director and on the real server\'s ip6tnl0 or sit0', () => {
    expect(batch(v6(), 'client')).toContain('addr add 2001:db8:73::50/64 dev eth0 nodad');
    expect(batch(v6(), 'lvs')).toContain('addr add 2001:db8:73::120/128 dev eth0 nodad preferred_lft 0');
    expect(batch(v6(), 'web1')).toEqual(expect.arrayContaining(['link set ip6tnl0 up', 'addr add 2001:db8:73::120/128 dev ip6tnl0 nodad preferred_lft 0']));
    expect(batch(v6({ tunnelOver: 'ipv4' }), 'web1')).toEqual(expect.arrayContaining(['link set sit0 up', 'addr add 2001:db8:73::120/128 dev sit0 nodad preferred_lft 0']));
    expect(batch(v6(), 'web1').some((command) => command.includes('tunl0'))).toBe(false);
  });
});

describe('renderHostBatch for GRE and GUE tunnels', () => {
  const realServerCommands = (tunnel: Record<string, unknown> | undefined) => {
    const topology = testTopology(['web1'], tunnel ? { tunnel } : {});
    return commandsOf(renderHostBatch(planCluster(topology, 'abcd1234'), hostNamed(topology, 'web1')));
  };

  it("makes a GRE device of its own for GRE (with icsum when the director checksums), opens GUE's UDP port with fou, and leaves ipip to tunl0 alone", () => {
    expect(realServerCommands({ type: 'gre' })).toEqual(expect.arrayContaining(['link set tunl0 up', 'link add name gre-lvs type gre local 192.168.73.110', 'link set gre-lvs up']));
    expect(realServerCommands({ type: 'gre', checksum: 'csum' })).toContain('link add name gre-lvs type gre local 192.168.73.110 icsum');
    expect(realServerCommands({ type: 'gue', port: 6080 })).toEqual(expect.arrayContaining(['link set tunl0 up', 'fou add port 6080 gue']));
    const ipip = realServerCommands(undefined);
    expect(ipip.some((command) => command.includes('gre') || command.startsWith('fou'))).toBe(false);
    const director = testTopology(['web1'], { tunnel: { type: 'gre' } });
    expect(commandsOf(renderHostBatch(planCluster(director, 'abcd1234'), hostNamed(director, 'lvs'))).some((command) => command.includes('gre'))).toBe(false);
  });
});

describe('renderHostBatch with configurators', () => {
  const seedWith = seedWithConfigurators;
  const batchOf = (topology: Topology, name: string) => commandsOf(renderHostBatch(planCluster(topology, 'abcd1234'), hostNamed(topology, name)));
  const plain = testTopology();

  it('leaves the VIP to a director configurator that sets it, and still gives the director its own address', () => {
    const topology = seedWith({ lvs: '{ run: [my-controller], sets: [vip] }' });
    const commands = batchOf(topology, 'lvs');
    expect(commands).toContain('addr add 192.168.73.100/24 dev eth0');
    expect(commands).toContain('link set eth0 up');
    expect(commands.join('\n')).not.toContain('192.168.73.120');
    expect(commands).toEqual(batchOf(plain, 'lvs').filter((command) => command !== 'addr add 192.168.73.120/32 dev eth0'));
  });

  it('still gives the VIP to a director whose configurator sets only the rules or sysctls', () => {
    for (const configurator of ['{ run: [my-controller] }', '{ run: [my-controller], sets: [ipvs, sysctls] }']) {
      expect(batchOf(seedWith({ lvs: configurator }), 'lvs'), configurator).toEqual(batchOf(plain, 'lvs'));
    }
  });

  it('leaves tunl0 and its VIP to a real server configurator that sets the tunnel, by default too', () => {
    for (const configurator of ['{ run: [my-agent] }', '{ run: [my-agent], sets: [tunnel] }']) {
      const topology = seedWith({ web1: configurator });
      const commands = batchOf(topology, 'web1');
      expect(commands.join('\n'), configurator).not.toContain('tunl0');
      expect(commands.join('\n'), configurator).not.toContain('192.168.73.120');
      expect(commands, configurator).toContain('addr add 192.168.73.110/24 dev eth0');
      // The other real server, without a configurator, is the harness's as before.
      expect(batchOf(topology, 'web2'), configurator).toEqual(batchOf(plain, 'web2'));
    }
  });

  it('still sets up tunl0 on a real server whose configurator sets only sysctls', () => {
    const commands = batchOf(seedWith({ web1: '{ run: [my-agent], sets: [sysctls] }' }), 'web1');
    expect(commands).toContain('link set tunl0 up');
    expect(commands).toContain('addr add 192.168.73.120/32 dev tunl0');
    expect(commands).toEqual(batchOf(plain, 'web1'));
  });

  it('renders every host as before when no host has a configurator', () => {
    const topology = seedWith({});
    expect(topology.hosts.every((host) => host.configurator === undefined)).toBe(true);
    for (const host of topology.hosts) expect(batchOf(topology, host.name), host.name).toEqual(batchOf(plain, host.name));
    expect(batchOf(topology, 'lvs')).toContain('addr add 192.168.73.120/32 dev eth0');
    expect(batchOf(topology, 'web1')).toEqual(expect.arrayContaining(['link set tunl0 up', 'addr add 192.168.73.120/32 dev tunl0']));
  });
});

describe('netemCommand', () => {
  const plan = planCluster(featured, 'abcd1234');

  it("adds netem at the root of the host's uplink, in its namespace, with delay, jitter and loss", () => {
    expect(netemCommand(plan, hostNamed(featured, 'web1'))).toEqual([
      'tc', '-n', 'lvsh-abcd1234-web1', 'qdisc', 'add', 'dev', 'eth0', 'root', 'netem', 'delay', '20ms', '5ms', 'loss', '1%',
    ]);
  });

  it('takes loss alone', () => {
    expect(netemCommand(plan, hostNamed(featured, 'web2'))).toEqual([
      'tc', '-n', 'lvsh-abcd1234-web2', 'qdisc', 'add', 'dev', 'eth0', 'root', 'netem', 'loss', '0.5%',
    ]);
  });

  it('is undefined for a host without impairments, or with only a jitter (nothing to jitter)', () => {
    expect(netemCommand(plan, hostNamed(featured, 'client'))).toBeUndefined();
    const jitterOnly = { ...hostNamed(featured, 'client'), netem: { jitter: '5ms' } };
    expect(netemCommand(plan, jitterOnly)).toBeUndefined();
  });

  it("names the plan's uplink", () => {
    const argv = netemCommand(withUplink(plan, 'up0'), hostNamed(featured, 'web1'))!;
    expect(argv.slice(argv.indexOf('dev'), argv.indexOf('dev') + 2)).toEqual(['dev', 'up0']);
    expect(argv).not.toContain('eth0');
  });
});
