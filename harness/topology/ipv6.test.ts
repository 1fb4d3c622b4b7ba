import { describe, expect, it } from 'vitest';
import { canonicalIpv6, derivedIpv6, formatIpv6, hostPort, ipv6CidrContains, parseIpv6, parseIpv6Cidr } from './ipv6.js';

describe('IPv6 addresses', () => {
  it('parses full, compressed and mixed-case forms, and prints the canonical one', () => {
    expect(canonicalIpv6('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(canonicalIpv6('2001:db8:73::110')).toBe('2001:db8:73::110');
    expect(canonicalIpv6('::')).toBe('::');
    expect(canonicalIpv6('::1')).toBe('::1');
    expect(canonicalIpv6('fe80::')).toBe('fe80::');
    // The longest zero run is compressed; a single zero group is not.
    expect(formatIpv6(parseIpv6('2001:db8:0:1:0:0:0:1')!)).toBe('2001:db8:0:1::1');
    expect(formatIpv6(parseIpv6('2001:0:0:1:0:0:0:1')!)).toBe('2001:0:0:1::1');
  });

  it('refuses what is not an address', () => {
    for (const text of ['', '1::2::3', '2001:db8', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '192.168.73.1', ':::']) expect(parseIpv6(text), text).toBeUndefined();
  });

  it('reads a segment, derives a host address from its IPv4 one, and brackets addresses beside ports', () => {
    const cidr = parseIpv6Cidr('2001:db8:73::/64')!;
    expect(derivedIpv6(cidr, '192.168.73.110')).toBe('2001:db8:73::110');
    expect(ipv6CidrContains(cidr, parseIpv6('2001:db8:73::ffff')!)).toBe(true);
    expect(ipv6CidrContains(cidr, parseIpv6('2001:db8:74::1')!)).toBe(false);
    expect(parseIpv6Cidr('2001:db8:73::1/64')).toBeUndefined();
    expect(parseIpv6Cidr('2001:db8:73::/200')).toBeUndefined();
    expect(hostPort('2001:db8::1', 80)).toBe('[2001:db8::1]:80');
    expect(hostPort('192.168.73.1', 80)).toBe('192.168.73.1:80');
  });
});
