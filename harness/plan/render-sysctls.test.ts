import { describe, expect, it } from 'vitest';
import { testTopology } from '../topology/test-support/test-topology.js';
import { seedWithHostSettings } from '../topology/test-support/seed-with-host-settings.js';
import { hostNamed, type Host } from '../topology/topology.js';
import { ownSysctlsAfterConfigurator, sysctlCommand, sysctlsFor, type SysctlSetting } from './render-sysctls.js';

const topology = testTopology(['web1']);
const director = hostNamed(topology, 'lvs');
const realServer = hostNamed(topology, 'web1');
const client = hostNamed(topology, 'client');

/** The value the kernel ends up with for each key: a later write wins. */
const finalValues = (settings: readonly SysctlSetting[]) => Object.fromEntries(settings);

const withOwn = (host: Host, sysctls: Record<string, string>): Host => ({ ...host, sysctls });

describe('sysctlsFor', () => {
  it("turns reverse-path filtering off on the GRE device too when GRE carries the tunnel, and only then", () => {
    expect(finalValues(sysctlsFor(realServer, 'eth0', 'gre'))['net.ipv4.conf.gre-lvs.rp_filter']).toBe('0');
    expect(Object.keys(finalValues(sysctlsFor(realServer, 'eth0', 'gue'))).some((key) => key.includes('gre'))).toBe(false);
    expect(Object.keys(finalValues(sysctlsFor(director, 'eth0', 'gre'))).some((key) => key.includes('gre'))).toBe(false);
  });

  it('turns forwarding on and redirects off on the director, for all, default and the uplink', () => {
    const values = finalValues(sysctlsFor(director, 'eth0'));
    expect(values).toEqual({
      'net.ipv4.ip_forward': '1',
      'net.ipv4.conf.all.send_redirects': '0',
      'net.ipv4.conf.default.send_redirects': '0',
      'net.ipv4.conf.eth0.send_redirects': '0',
    });
  });

  it('keeps real servers from answering ARP for the VIP, on all, lo and the uplink', () => {
    const values = finalValues(sysctlsFor(realServer, 'eth0'));
    for (const iface of ['all', 'lo', 'eth0']) {
      expect(values[`net.ipv4.conf.${iface}.arp_ignore`], iface).toBe('1');
      expect(values[`net.ipv4.conf.${iface}.arp_announce`], iface).toBe('2');
    }
  });

  it('turns reverse-path filtering off on real servers for all, default, the uplink and tunl0', () => {
    const values = finalValues(sysctlsFor(realServer, 'eth0'));
    for (const iface of ['all', 'default', 'eth0', 'tunl0']) expect(values[`net.ipv4.conf.${iface}.rp_filter`], iface).toBe('0');
  });

  it('does not give a real server the director settings, nor the director the real-server ones', () => {
    const realServerKeys = sysctlsFor(realServer, 'eth0').map(([key]) => key);
    expect(realServerKeys).not.toContain('net.ipv4.ip_forward');
    expect(realServerKeys.some((key) => key.endsWith('.send_redirects'))).toBe(false);
    const directorKeys = sysctlsFor(director, 'eth0').map(([key]) => key);
    expect(directorKeys.some((key) => /\.(arp_ignore|arp_announce|rp_filter)$/.test(key))).toBe(false);
  });

  it("writes the host's own sysctls from the topology last, so they win", () => {
    const own = { 'net.ipv4.conf.all.rp_filter': '1', 'net.ipv4.conf.eth0.arp_ignore': '0', 'net.core.somaxconn': '1024' };
    const settings = sysctlsFor(withOwn(realServer, own), 'eth0');
    expect(settings.slice(-3)).toEqual(Object.entries(own));
    const values = finalValues(settings);
    expect(values['net.ipv4.conf.all.rp_filter']).toBe('1');
    expect(values['net.ipv4.conf.eth0.arp_ignore']).toBe('0');
    // The rest of the role's settings are still written.
    expect(values['net.ipv4.conf.tunl0.rp_filter']).toBe('0');

    const directorSettings = sysctlsFor(withOwn(director, { 'net.ipv4.ip_forward': '0' }), 'eth0');
    expect(directorSettings.at(-1)).toEqual(['net.ipv4.ip_forward', '0']);
    expect(finalValues(directorSettings)['net.ipv4.ip_forward']).toBe('0');
  });

  it('gives a client only its own sysctls', () => {
    expect(sysctlsFor(client, 'eth0')).toEqual([]);
    expect(sysctlsFor(withOwn(client, { 'net.ipv4.tcp_tw_reuse': '1' }), 'eth0')).toEqual([['net.ipv4.tcp_tw_reuse', '1']]);
  });

  it('names the uplink it is given in every interface-specific key', () => {
    for (const host of [director, realServer]) {
      const keys = sysctlsFor(host, 'up0').map(([key]) => key);
      expect(keys.some((key) => key.includes('eth0')), host.name).toBe(false);
      const perInterface = keys.filter((key) => key.startsWith('net.ipv4.conf.') && !/^net\.ipv4\.conf\.(all|default|lo|tunl0)\./.test(key));
      expect(perInterface.length, host.name).toBeGreaterThan(0);
      expect(perInterface.every((key) => key.startsWith('net.ipv4.conf.up0.')), host.name).toBe(true);
    }
    expect(finalValues(sysctlsFor(director, 'up0'))['net.ipv4.conf.up0.send_redirects']).toBe('0');
    const realServerValues = finalValues(sysctlsFor(realServer, 'up0'));
    expect(realServerValues['net.ipv4.conf.up0.arp_ignore']).toBe('1');
    expect(realServerValues['net.ipv4.conf.up0.arp_announce']).toBe('2');
    expect(realServerValues['net.ipv4.conf.up0.rp_filter']).toBe('0');
  });
});

describe('sysctlsFor with configurators', () => {
  /** The seed's director and web1, each with settings (YAML flow text) of its own. */
  const seedWith = (hosts: { lvs?: string; web1?: string }) => {
    const topology = seedWithHostSettings(hosts);
    return { director: hostNamed(topology, 'lvs'), realServer: hostNamed(topology, 'web1') };
  };

  it("leaves a role's sysctls to a configurator that sets them, a real server's by default", () => {
    const { director, realServer } = seedWith({ lvs: 'configurator: { run: [my-controller], sets: [ipvs, sysctls] }', web1: 'configurator: { run: [my-agent] }' });
    expect(sysctlsFor(director, 'eth0')).toEqual([]);
    expect(sysctlsFor(realServer, 'eth0')).toEqual([]);
  });

  it("writes the host's own sysctls from the topology after its configurator, not before, when the configurator sets the role's", () => {
    const { director, realServer } = seedWith({
      lvs: 'configurator: { run: [my-controller], sets: [sysctls] }, sysctls: { net.ipv4.vs.conntrack: 1 }',
      web1: 'configurator: { run: [my-agent], sets: [sysctls] }, sysctls: { net.ipv4.conf.all.rp_filter: 2, net.core.somaxconn: 1024 }',
    });
    expect(sysctlsFor(director, 'eth0')).toEqual([]);
    expect(sysctlsFor(realServer, 'eth0')).toEqual([]);
    expect(ownSysctlsAfterConfigurator(director)).toEqual([['net.ipv4.vs.conntrack', '1']]);
    expect(ownSysctlsAfterConfigurator(realServer)).toEqual([
      ['net.ipv4.conf.all.rp_filter', '2'],
      ['net.core.somaxconn', '1024'],
    ]);
  });

  it("writes the role's sysctls as before when the configurator does not set them", () => {
    const { director, realServer } = seedWith({
      lvs: 'configurator: { run: [my-controller], sets: [ipvs, vip] }',
      web1: 'configurator: { run: [my-agent], sets: [tunnel] }, sysctls: { net.core.somaxconn: 1024 }',
    });
    expect(sysctlsFor(director, 'eth0')).toEqual(sysctlsFor(hostNamed(topology, 'lvs'), 'eth0'));
    // The host's own come after its configurator, so that they win over what it set.
    expect(sysctlsFor(realServer, 'eth0')).toEqual(sysctlsFor(hostNamed(topology, 'web1'), 'eth0'));
    expect(ownSysctlsAfterConfigurator(realServer)).toEqual([['net.core.somaxconn', '1024']]);
    expect(ownSysctlsAfterConfigurator(hostNamed(topology, 'web1'))).toEqual([]);
  });

  it('writes the same sysctls as the built-in topology when no host has a configurator', () => {
    const { director: plainDirector, realServer: plainRealServer } = seedWith({});
    expect(plainDirector.configurator).toBeUndefined();
    expect(sysctlsFor(plainDirector, 'eth0')).toEqual(sysctlsFor(director, 'eth0'));
    expect(sysctlsFor(plainRealServer, 'eth0')).toEqual(sysctlsFor(realServer, 'eth0'));
    expect(sysctlsFor(plainDirector, 'eth0')).toContainEqual(['net.ipv4.ip_forward', '1']);
    expect(sysctlsFor(plainRealServer, 'eth0')).toContainEqual(['net.ipv4.conf.tunl0.rp_filter', '0']);
  });
});

describe('sysctlCommand', () => {
  it('writes every setting in one quiet sysctl -w, in order, as key=value arguments', () => {
    expect(
      sysctlCommand([
        ['net.ipv4.ip_forward', '1'],
        ['net.ipv4.conf.all.send_redirects', '0'],
      ]),
    ).toEqual(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.send_redirects=0']);
  });

  it("keeps a real server's whole list as one argument each", () => {
    const settings = sysctlsFor(realServer, 'eth0');
    const argv = sysctlCommand(settings);
    expect(argv.slice(0, 3)).toEqual(['sysctl', '-q', '-w']);
    expect(argv).toHaveLength(3 + settings.length);
    expect(argv.slice(3).every((argument) => /^net\.[a-z0-9_.]+=\S+$/.test(argument))).toBe(true);
  });
});
