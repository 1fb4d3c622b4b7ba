// IPv6 addresses for a topology's IPv6 side: parsing, the canonical text (RFC 5952, as ip and
// tcpdump print it), a segment's /N, and the address a host gets there when the topology names
// none. Pure.

/** An IPv6 address as a 128-bit number. */
export function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(text) || text.includes(':::')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? head.length !== 8 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** The canonical text: lower case, leading zeros dropped, the longest run of two or more zero groups as `::`. */
export function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, index) => Number((value >> BigInt(16 * (7 - index))) & 0xffffn));
  let best = { start: -1, length: 0 };
  for (let start = 0; start < 8; ) {
    if (groups[start] !== 0) {
      start += 1;
      continue;
    }
    let end = start;
    while (end < 8 && groups[end] === 0) end += 1;
    if (end - start > best.length) best = { start, length: end - start };
    start = end;
  }
  const text = groups.map((group) => group.toString(16));
  if (best.length < 2) return text.join(':');
  return `${text.slice(0, best.start).join(':')}::${text.slice(best.start + best.length).join(':')}`;
}

/** The same address in canonical text, or undefined when it is not one. */
export function canonicalIpv6(text: string): string | undefined {
  const value = parseIpv6(text);
  return value === undefined ? undefined : formatIpv6(value);
}

export interface Ipv6Cidr {
  network: bigint;
  prefixLength: number;
}

/** `2001:db8:73::/64`, its host bits zero. */
export function parseIpv6Cidr(text: string): Ipv6Cidr | undefined {
  const [addressText, lengthText, ...rest] = text.split('/');
  if (rest.length > 0 || addressText === undefined || lengthText === undefined || !/^\d{1,3}$/.test(lengthText)) return undefined;
  const prefixLength = Number(lengthText);
  const network = parseIpv6(addressText);
  if (network === undefined || prefixLength < 8 || prefixLength > 124) return undefined;
  const hostBits = (1n << BigInt(128 - prefixLength)) - 1n;
  if ((network & hostBits) !== 0n) return undefined;
  return { network, prefixLength };
}

export function ipv6CidrContains(cidr: Ipv6Cidr, address: bigint): boolean {
  const shift = BigInt(128 - cidr.prefixLength);
  return address >> shift === cidr.network >> shift;
}

/**
 * The IPv6 address a host gets on the segment when the topology names none: the segment's
 * network with the last byte of its IPv4 address written as it reads (192.168.73.110 in
 * 2001:db8:73::/64 is 2001:db8:73::110), so the two addresses of a host are easy to pair.
 */
export function derivedIpv6(cidr: Ipv6Cidr, ipv4: string): string {
  const lastByte = ipv4.split('.').at(-1) ?? '0';
  return formatIpv6(cidr.network + BigInt(parseInt(lastByte, 16)));
}

/** `address:port`, an IPv6 address in brackets (`[2001:db8::1]:80`), as ipvsadm and URLs write it. */
export function hostPort(address: string, port: number | string): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Whether an address is IPv6 (has a colon), for choosing a family. */
export function isIpv6(address: string): boolean {
  return address.includes(':');
}
