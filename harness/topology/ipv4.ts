// IPv4 arithmetic for validation and addressing; plain numbers, no dependency needed.

/** Parses dotted-quad IPv4 text, or returns undefined: validation wants to report, not throw. */
export function parseIpv4(text: string): number | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1).map(Number);
  if (octets.some((octet) => octet > 255)) return undefined;
  return octets.reduce((value, octet) => value * 256 + octet, 0);
}

/** Formats a 32-bit number as dotted-quad text. */
export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export interface Ipv4Cidr {
  network: number;
  prefixLength: number;
}

/** Parses `a.b.c.d/len`; the address must be the network address so a typo cannot hide. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const [addressText, lengthText, ...rest] = text.split('/');
  if (rest.length > 0 || addressText === undefined || lengthText === undefined) return undefined;
  if (!/^\d{1,2}$/.test(lengthText)) return undefined;
  const prefixLength = Number(lengthText);
  const network = parseIpv4(addressText);
  if (network === undefined || prefixLength > 32) return undefined;
  if (network % 2 ** (32 - prefixLength) !== 0) return undefined;
  return { network, prefixLength };
}

/** True when an address lies inside the CIDR block. */
export function cidrContains(cidr: Ipv4Cidr, address: number): boolean {
  const size = 2 ** (32 - cidr.prefixLength);
  return address >= cidr.network && address < cidr.network + size;
}

/** The network and broadcast addresses, which no host may take. */
export function isReservedInCidr(cidr: Ipv4Cidr, address: number): boolean {
  if (cidr.prefixLength >= 31) return false;
  return address === cidr.network || address === cidr.network + 2 ** (32 - cidr.prefixLength) - 1;
}

/**
 * A locally administered MAC derived from the host's IPv4 address: stable across runs, so
 * captures and verdicts can name hosts by MAC without asking the kernel.
 */
export function macForAddress(address: string): string {
  const value = parseIpv4(address);
  if (value === undefined) throw new TypeError(`not an IPv4 address: ${JSON.stringify(address)}`);
  const bytes = [0x02, 0x4c, ...[24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256)];
  return bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}
