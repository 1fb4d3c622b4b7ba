// Every default of a topology file, in one place, so the README and the code cannot drift apart.

export const TOPOLOGY_DEFAULTS = {
  segmentMtu: 1500,
  servicePort: 80,
  serviceProtocol: 'tcp' as 'tcp' | 'udp',
  scheduler: 'rr',
  rulesFrom: 'ipvsadm-restore',
  realServerWeight: 1,
  forwarding: 'tunnel',
  /** keepalived's HTTP_GET check: short intervals, so a failover takes seconds, not minutes. */
  healthCheck: {
    type: 'http-get',
    path: '/',
    statusCode: 200,
    delayLoop: 1,
    connectTimeout: 1,
    retry: 1,
    delayBeforeRetry: 1,
  },
  inhibitOnFailure: false,
  /** How long a configurator has to make the director's table the topology's (or its own, stable). */
  configuratorTimeoutSeconds: 30,
  vrrpVirtualRouterId: 51,
  vrrpAdvertInterval: 1,
  /** The first director listed is the master, the others its backups. */
  vrrpPriority: (directorIndex: number) => (directorIndex === 0 ? 150 : 100),
  /** The seed's index.html holds "this is web1"; the name is filled in per host. */
  httpBody: (hostName: string) => `this is ${hostName}\n`,
} as const;
