import { describe, expect, it } from 'vitest';
import { testTopology } from '../topology/test-support/test-topology.js';
import { validateTopologyData } from '../topology/load-topology.js';
import type { VirtualService } from '../topology/topology.js';
import { ipvsRuleTokens, ipvsTimeoutTokens, renderIpvsRestore } from './render-ipvs-rules.js';

const seed = testTopology(['web1', 'web2']).service;

/** The value after a flag in a token list, or undefined when the flag is absent. */
const after = (tokens: readonly string[], flag: string) => (tokens.includes(flag) ? tokens[tokens.indexOf(flag) + 1] : undefined);

describe('ipvsRuleTokens', () => {
  it('puts the virtual service first, with its scheduler, then one -a rule per real server', () => {
    const rules = ipvsRuleTokens(seed);
    expect(rules).toHaveLength(1 + seed.realServers.length);
    expect(rules[0]).toEqual(['-A', '-t', '192.168.73.120:80', '-s', 'rr']);
    expect(rules.slice(1).map((rule) => rule[0])).toEqual(['-a', '-a']);
    expect(rules.slice(1).map((rule) => after(rule, '-r'))).toEqual(['192.168.73.110:80', '192.168.73.111:80']);
    expect(rules.slice(1).every((rule) => after(rule, '-t') === '192.168.73.120:80')).toBe(true);
  });

  it('tunnels by default (-i) with weight 1', () => {
    for (const rule of ipvsRuleTokens(seed).slice(1)) {
      expect(rule).toContain('-i');
      expect(rule).not.toContain('-g');
      expect(rule).not.toContain('-m');
      expect(after(rule, '-w')).toBe('1');
    }
  });

  it('takes the scheduler, and -p only with persistence', () => {
    const wlc = testTopology(['web1'], { scheduler: 'wlc' }).service;
    expect(ipvsRuleTokens(wlc)[0]).toEqual(['-A', '-t', '192.168.73.120:80', '-s', 'wlc']);
    const persistent = testTopology(['web1'], { persistence: 300 }).service;
    expect(ipvsRuleTokens(persistent)[0]).toEqual(['-A', '-t', '192.168.73.120:80', '-s', 'rr', '-p', '300']);
    expect(ipvsRuleTokens(seed)[0]).not.toContain('-p');
  });

  it('adds -M only when persistence is set with a netmask', () => {
    const masked = testTopology(['web1'], { persistence: 60, persistenceNetmask: '255.255.255.0' }).service;
    const serviceRule = ipvsRuleTokens(masked)[0]!;
    expect(after(serviceRule, '-p')).toBe('60');
    expect(after(serviceRule, '-M')).toBe('255.255.255.0');
    // A netmask without persistence means nothing to ipvsadm: it is not written.
    const maskOnly: VirtualService = { ...seed, persistence: undefined, persistenceNetmask: '255.255.255.0' };
    expect(ipvsRuleTokens(maskOnly)[0]).not.toContain('-M');
    expect(ipvsRuleTokens(maskOnly)[0]).not.toContain('-p');
  });

  it('marks each real server -i, -g or -m for tunnel, direct routing and NAT, with its own weight and port', () => {
    const service = testTopology(['web1', 'web2', 'web3'], {
      realServers: [
        { host: 'web1', forwarding: 'tunnel', weight: 3 },
        { host: 'web2', forwarding: 'direct-routing', weight: 0 },
        { host: 'web3', forwarding: 'nat', weight: 7, port: 8080 },
      ],
    }).service;
    const [, tunnel, direct, nat] = ipvsRuleTokens(service);
    expect(tunnel).toEqual(['-a', '-t', '192.168.73.120:80', '-r', '192.168.73.110:80', '-i', '-w', '3']);
    expect(direct).toEqual(['-a', '-t', '192.168.73.120:80', '-r', '192.168.73.111:80', '-g', '-w', '0']);
    expect(nat).toEqual(['-a', '-t', '192.168.73.120:80', '-r', '192.168.73.112:8080', '-m', '-w', '7']);
  });
});

describe('renderIpvsRestore', () => {
  it('is one line per rule, in the order of the tokens, each newline-terminated', () => {
    expect(renderIpvsRestore(seed)).toBe(
      '-A -t 192.168.73.120:80 -s rr\n' +
        '-a -t 192.168.73.120:80 -r 192.168.73.110:80 -i -w 1\n' +
        '-a -t 192.168.73.120:80 -r 192.168.73.111:80 -i -w 1\n',
    );
  });

  it('matches ipvsRuleTokens joined with spaces', () => {
    const service = testTopology(['web1', 'web2'], { scheduler: 'sh', persistence: 10, persistenceNetmask: '255.255.0.0' }).service;
    const lines = renderIpvsRestore(service).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual(ipvsRuleTokens(service).map((tokens) => tokens.join(' ')));
    expect(lines[0]).toBe('-A -t 192.168.73.120:80 -s sh -p 10 -M 255.255.0.0');
  });
});

describe('a UDP service, one-packet scheduling and timeouts', () => {
  it('writes -u for every rule of a UDP service, and -o last on the service, where ipvsadm-save prints it', () => {
    const udp = testTopology(['web1'], { protocol: 'udp', port: 53, onePacket: true, persistence: 60 }).service;
    expect(ipvsRuleTokens(udp)).toEqual([
      ['-A', '-u', '192.168.73.120:53', '-s', 'rr', '-p', '60', '-o'],
      ['-a', '-u', '192.168.73.120:53', '-r', '192.168.73.110:53', '-i', '-w', '1'],
    ]);
    expect(ipvsRuleTokens(seed)[0]).not.toContain('-o');
  });

  it('writes GUE and GRE tunnels as ipvsadm-save prints them: type, GUE port, the checksum flag always; nothing extra for ipip', () => {
    const gue = testTopology(['web1'], { tunnel: { type: 'gue', port: 6080, checksum: 'csum' } }).service;
    expect(ipvsRuleTokens(gue)[1]).toEqual(['-a', '-t', '192.168.73.120:80', '-r', '192.168.73.110:80', '-i', '-w', '1', '--tun-type', 'gue', '--tun-port', '6080', '--tun-csum']);
    const gre = testTopology(['web1'], { tunnel: { type: 'gre' } }).service;
    expect(ipvsRuleTokens(gre)[1]!.slice(-3)).toEqual(['--tun-type', 'gre', '--tun-nocsum']);
    expect(ipvsRuleTokens(seed)[1]).not.toContain('--tun-type');
    // Only tunnel-mode real servers carry it.
    const mixed = testTopology(['web1', 'web2'], { tunnel: { type: 'gre' }, realServers: [{ host: 'web1' }, { host: 'web2', forwarding: 'direct-routing' }] }).service;
    expect(ipvsRuleTokens(mixed)[2]).not.toContain('--tun-type');
  });

  it('brackets IPv6 addresses as ipvsadm-save prints them, and names IPv4 real servers of an IPv6 service tunnelled over IPv4', () => {
    const v6 = (service: Record<string, unknown>) =>
      validateTopologyData({
        segment: { subnet: '192.168.73.0/24', subnet6: '2001:db8:73::/64' },
        hosts: { client: { role: 'client', address: '192.168.73.50' }, lvs: { role: 'director', address: '192.168.73.100' }, web1: { role: 'real-server', address: '192.168.73.110' } },
        service: { vip: '2001:db8:73::120', realServers: [{ host: 'web1' }], ...service },
      }).service;
    expect(renderIpvsRestore(v6({}))).toBe('-A -t [2001:db8:73::120]:80 -s rr\n-a -t [2001:db8:73::120]:80 -r [2001:db8:73::110]:80 -i -w 1\n');
    expect(ipvsRuleTokens(v6({ tunnelOver: 'ipv4' }))[1]).toContain('192.168.73.110:80');
  });

  it('sets the idle timeouts with ipvsadm --set, 0 keeping a value the topology leaves out, and nothing without timeouts', () => {
    expect(ipvsTimeoutTokens(testTopology(['web1'], { timeouts: { tcp: 5 } }).service)).toEqual(['--set', '5', '0', '0']);
    expect(ipvsTimeoutTokens(testTopology(['web1'], { timeouts: { tcp: 900, tcpFin: 30, udp: 10 } }).service)).toEqual(['--set', '900', '30', '10']);
    expect(ipvsTimeoutTokens(seed)).toBeUndefined();
  });
});
