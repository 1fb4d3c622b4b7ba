import { describe, expect, it } from 'vitest';
import { ipv4AddressesInIpJson, neighbourMacInIpJson } from './vip-holders.js';

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
    expect(ipv4AddressesInIpJson(json)).toEqual(['192.168.73.100', '192.168.73.120']);
    expect(ipv4AddressesInIpJson('[]')).toEqual([]);
    expect(ipv4AddressesInIpJson('')).toEqual([]);
  });

  it("reads the MAC the client's ARP cache holds for the VIP, ignoring failed and incomplete entries", () => {
    const reachable = JSON.stringify([{ dst: '192.168.73.120', dev: 'eth0', lladdr: '02:4C:C0:A8:49:65', state: ['REACHABLE'] }]);
    expect(neighbourMacInIpJson(reachable, '192.168.73.120')).toBe('02:4c:c0:a8:49:65');
    expect(neighbourMacInIpJson(JSON.stringify([{ dst: '192.168.73.120', dev: 'eth0', state: ['INCOMPLETE'] }]), '192.168.73.120')).toBeUndefined();
    expect(neighbourMacInIpJson(JSON.stringify([{ dst: '192.168.73.120', dev: 'eth0', lladdr: '02:4c:c0:a8:49:65', state: ['FAILED'] }]), '192.168.73.120')).toBeUndefined();
    expect(neighbourMacInIpJson(reachable, '192.168.73.121')).toBeUndefined();
  });
});
