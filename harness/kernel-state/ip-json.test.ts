import { describe, expect, it } from 'vitest';
import { ipv4Addresses, neighbourMac, parseIpJsonList, parseLinkStates, routeDevice } from './ip-json.js';
import { parseSysctlLines, sysctlValues } from './sysctl-lines.js';

describe('reading who holds the VIP from ip -j', () => {
  it('lists the IPv4 addresses of a link, the VIP among them on the master', () => {
    const json = JSON.stringify([
      {
        ifindex: 2,
        ifname: 'eth0',
        addr_info: [
          { family: 'inet', local: '192.168.73.100', prefixlen: 24 },
          { family: 'inet', local: '192.168.73.120', prefixlen: 32 },
          { family: 'inet6', local: 'fe80::4c:c0ff:fea8:4964', prefixlen: 64 },
        ],
      },
    ]);
    expect(ipv4Addresses(json)).toEqual(['192.168.73.100', '192.168.73.120']);
    expect(ipv4Addresses('[]')).toEqual([]);
    expect(ipv4Addresses('')).toEqual([]);
  });

  it("reads the MAC the client's ARP cache holds for the VIP, ignoring failed and incomplete entries", () => {
    const reachable = JSON.stringify([{ dst: '192.168.73.120', dev: 'eth0', lladdr: '02:4C:C0:A8:49:65', state: ['REACHABLE'] }]);
    expect(neighbourMac(reachable, '192.168.73.120')).toBe('02:4c:c0:a8:49:65');
    expect(neighbourMac(JSON.stringify([{ dst: '192.168.73.120', dev: 'eth0', state: ['INCOMPLETE'] }]), '192.168.73.120')).toBeUndefined();
    expect(neighbourMac(JSON.stringify([{ dst: '192.168.73.120', dev: 'eth0', lladdr: '02:4c:c0:a8:49:65', state: ['FAILED'] }]), '192.168.73.120')).toBeUndefined();
    expect(neighbourMac(reachable, '192.168.73.121')).toBeUndefined();
  });
});

describe('links, routes and sysctls as the doctor reads them', () => {
  const addr = JSON.stringify([
    { ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
    { ifname: 'tunl0', flags: ['NOARP'], mtu: 1480, addr_info: [{ family: 'inet', local: '192.168.73.120', prefixlen: 32 }, { family: 'inet6', local: 'fe80::1', prefixlen: 64 }] },
  ]);

  it('gives each link its state, MTU and addresses with prefix (IPv6 but for link-local ones)', () => {
    expect(parseLinkStates(addr)).toEqual([
      { name: 'lo', up: true, mtu: 65536, addresses: ['127.0.0.1/8'] },
      { name: 'tunl0', up: false, mtu: 1480, addresses: ['192.168.73.120/32'] },
    ]);
  });

  it('names the command when what it printed is not a JSON list', () => {
    expect(() => parseIpJsonList('{}', 'ip -j addr show')).toThrow(/ip -j addr show printed JSON that is not a list/);
    expect(() => parseIpJsonList('Object "addr" is unknown', 'ip -j addr show')).toThrow(/ip -j addr show printed something that is not JSON/);
  });

  it('reads the device of a route, and no device when there is no route', () => {
    expect(routeDevice(JSON.stringify([{ dst: '192.168.73.100', dev: 'eth0', prefsrc: '192.168.73.120' }]))).toBe('eth0');
    expect(routeDevice('')).toBeUndefined();
    expect(routeDevice('RTNETLINK answers: Network is unreachable')).toBeUndefined();
  });

  it('reads sysctl lines, keeping empty values and keys with dashes', () => {
    const text = 'net.ipv4.conf.veth-a.rp_filter = 1\nnet.ipv4.ip_local_reserved_ports = \nsysctl: permission denied on key "x"\n';
    expect(parseSysctlLines(text)).toEqual([['net.ipv4.conf.veth-a.rp_filter', '1'], ['net.ipv4.ip_local_reserved_ports', '']]);
    expect(sysctlValues('net.ipv4.ip_forward = 0')).toEqual({ 'net.ipv4.ip_forward': '0' });
  });
});
