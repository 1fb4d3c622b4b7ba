// Name lookups over the cluster, so every verdict can say "web1" or "the
// director lvs" instead of a bare MAC or address.
import { isAddressOf, type ExpectedTunnel, type HostIdentity, type TunContractInput } from './tun-contract-types.js';

/** Who is who in the cluster, by MAC, address and name. */
export interface ClusterDirectory {
  vip: string;
  port: number;
  protocol: 'tcp' | 'udp';
  tunnel: ExpectedTunnel;
  client: HostIdentity;
  directors: HostIdentity[];
  realServers: HostIdentity[];
  hostByName(name: string): HostIdentity | undefined;
  directorByMac(mac: string | undefined): HostIdentity | undefined;
  realServerByMac(mac: string | undefined): HostIdentity | undefined;
  realServerByAddress(address: string | undefined): HostIdentity | undefined;
  /** The client's own address or one of its extra ones. */
  isClientAddress(address: string): boolean;
  /** `web1 (MAC 02:..)`, `the director lvs (MAC 02:..)` or `unknown MAC 02:..`. */
  describeMac(mac: string | undefined): string;
}

/** MACs compare case-insensitively: tools print them in either case. */
export function sameMac(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** Builds the lookups once per judgement. */
export function buildClusterDirectory(input: TunContractInput): ClusterDirectory {
  const everyone = [input.client, ...input.directors, ...input.realServers];
  const byMac = (hosts: HostIdentity[], mac: string | undefined) => hosts.find((host) => sameMac(host.mac, mac));
  return {
    vip: input.vip,
    port: input.port,
    protocol: input.protocol ?? 'tcp',
    tunnel: input.tunnel ?? { type: 'ipip' },
    client: input.client,
    directors: input.directors,
    realServers: input.realServers,
    hostByName: (name) => everyone.find((host) => host.name === name),
    directorByMac: (mac) => byMac(input.directors, mac),
    realServerByMac: (mac) => byMac(input.realServers, mac),
    realServerByAddress: (address) => input.realServers.find((host) => isAddressOf(host, address)),
    isClientAddress: (address) => isAddressOf(input.client, address) || (input.clientAddresses ?? []).includes(address),
    describeMac(mac) {
      if (mac === undefined) return 'an unrecorded MAC';
      const director = byMac(input.directors, mac);
      if (director) return `the director ${director.name} (MAC ${mac})`;
      const host = byMac(everyone, mac);
      return host ? `${host.name} (MAC ${mac})` : `unknown MAC ${mac}`;
    },
  };
}
