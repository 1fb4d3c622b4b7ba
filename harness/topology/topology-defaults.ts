// Every default of a topology file, in one place, so the README and the code cannot drift apart.

export const TOPOLOGY_DEFAULTS = {
  segmentMtu: 1500,
  servicePort: 80,
  serviceProtocol: 'tcp',
  scheduler: 'rr',
  rulesFrom: 'ipvsadm-restore',
  realServerWeight: 1,
  forwarding: 'tunnel',
  /** The seed's index.html holds "this is web1"; the name is filled in per host. */
  httpBody: (hostName: string) => `this is ${hostName}\n`,
} as const;
