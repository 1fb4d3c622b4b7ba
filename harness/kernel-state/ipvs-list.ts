// The director's table as the schedulers see it: `ipvsadm -Ln --nosort --tun-info` lists the real servers
// in the kernel's own order (the order rr, wrr, lc and the rest walk), with their weights and
// active and inactive connections (the persistence templates are in ipvs-connections.ts). Pure.

export interface ListedRealServer {
  /** `address:port`. */
  realServer: string;
  forward: string;
  /** `--tun-info`'s column for a tunnel: `ipip`, `gue:PORT:-c` (+c with a checksum, r remote), `gre:-c`. */
  tunnel?: string;
  weight: number;
  active: number;
  inactive: number;
}

export interface ListedService {
  /** `vip:port`. */
  service: string;
  protocol: string;
  scheduler: string;
  /** Seconds, when persistent. */
  persistence?: number;
  netmask?: string;
  /** One-packet scheduling (`ops` among the flags). */
  onePacket?: boolean;
  realServers: ListedRealServer[];
}

/** The services of `ipvsadm -Ln [--nosort] [--tun-info]`, each with its real servers in the order listed. */
export function parseIpvsList(text: string): ListedService[] {
  const services: ListedService[] = [];
  for (const line of text.split('\n')) {
    const service = /^(TCP|UDP|SCTP|FWM)\s+(\S+)\s+(\S+)(.*)$/.exec(line.trim());
    if (service && !line.startsWith(' ')) {
      const flags = service[4] ?? '';
      const persistence = /persistent (\d+)/.exec(flags)?.[1];
      const netmask = /mask (\S+)/.exec(flags)?.[1];
      services.push({
        service: service[2]!,
        protocol: service[1]!,
        scheduler: service[3]!,
        ...(persistence ? { persistence: Number(persistence) } : {}),
        ...(netmask ? { netmask } : {}),
        ...(/\bops\b/.test(flags) ? { onePacket: true } : {}),
        realServers: [],
      });
      continue;
    }
    // With --tun-info a tunnel's encapsulation comes between the method and the weight (n/a for
    // direct routing and NAT).
    const real = /^->\s+(\S+)\s+(\S+)\s+(?:((?:ipip|gue|gre)\S*|n\/a)\s+)?(\d+)\s+(\d+)\s+(\d+)/.exec(line.trim());
    if (real && services.length > 0 && real[1] !== 'RemoteAddress:Port') {
      services[services.length - 1]!.realServers.push({
        realServer: real[1]!,
        forward: real[2]!,
        ...(real[3] && real[3] !== 'n/a' ? { tunnel: real[3] } : {}),
        weight: Number(real[4]),
        active: Number(real[5]),
        inactive: Number(real[6]),
      });
    }
  }
  return services;
}
