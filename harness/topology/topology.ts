// The resolved topology: plain data, every default filled in, already validated.
// Building a cluster reads only this; files and defaults are the loader's business.

export type HostRole = 'client' | 'director' | 'real-server';
export type ForwardingMethod = 'tunnel' | 'direct-routing' | 'nat';
/** How the director's IPVS rules get into the kernel: 'configurator' when the user's own tool loads them. */
export type RulesTool = 'ipvsadm' | 'ipvsadm-restore' | 'keepalived' | 'configurator';

/** The parts of a host's configuration a configurator can take over from the harness. */
export type ConfiguratorPart = 'ipvs' | 'vip' | 'sysctls' | 'tunnel';
/** What each role's configurator may set: a director's rules, VIP, sysctls; a real server's tunnel side and sysctls. */
export const CONFIGURATOR_PARTS: Record<'director' | 'real-server', readonly ConfiguratorPart[]> = {
  director: ['ipvs', 'vip', 'sysctls'],
  'real-server': ['tunnel', 'sysctls'],
};

/**
 * The user's own tool in charge of part of a host (a controller, a script, keepalived with the
 * user's keepalived.conf): run in the host's namespace, with the contract of
 * harness/plan/configurator-environment.ts, instead of the harness setting those parts itself.
 */
export interface Configurator {
  /** Its argument vector; a relative program path was resolved against the topology file's folder. */
  argv: string[];
  /** The folder it runs in: the topology file's, or the current one for a topology built in code. */
  cwd: string;
  /** A daemon keeps running for the whole life of the cluster; otherwise it configures and exits. */
  daemon: boolean;
  /** A daemon's: a pattern (a regular expression) of the line it prints once it has configured its host, awaited before the build goes on. */
  ready?: string;
  /** What the harness leaves to it. */
  sets: ConfiguratorPart[];
  /** A director's: wait until its table is the topology's ('topology') or only until it stops changing ('stable'). */
  expect: 'topology' | 'stable';
  /** Seconds it has to get there (a one-shot command: to finish, too). */
  timeoutSeconds: number;
  /** More environment for it, on top of the contract's. */
  env: Record<string, string>;
}

export const SCHEDULERS = [
  'rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh',
] as const;
export type Scheduler = (typeof SCHEDULERS)[number];

/** The virtual service's transport: TCP connections, or UDP flows (datagrams from one client port). */
export type ServiceProtocol = 'tcp' | 'udp';

export interface HttpServerSpec {
  port: number;
  /** What the server answers to every request; the seed's servers say "this is web1". */
  body: string;
  /** Pads the answer to this many bytes (the name first), for tunnel MTU cases. */
  bodySize?: number;
}

/** Link impairments on a host's uplink, as tc-netem takes them (e.g. delay "20ms", loss "1%"). */
export interface Netem {
  delay?: string;
  jitter?: string;
  loss?: string;
}

/** The assertions `lvs-harness check` can run on a topology. */
export const ASSERTION_NAMES = ['distribution', 'round-robin', 'tun-contract', 'doctor', 'real-server-failover', 'director-failover'] as const;
/** What check asserts when neither the file nor --assert says: the failover scenarios need keepalived. */
export const DEFAULT_ASSERTIONS: AssertionName[] = ['distribution', 'tun-contract', 'doctor'];
export type AssertionName = (typeof ASSERTION_NAMES)[number];

export interface Host {
  name: string;
  role: HostRole;
  address: string;
  /** The host's IPv6 address on the segment, when the segment has an IPv6 side (segment.subnet6). */
  address6?: string;
  /** More addresses on the uplink, the client's only: its connections come from all of them. */
  extraAddresses: string[];
  /** Set on the host's uplink, derived from the address so verdicts can name hosts by MAC. */
  mac: string;
  /** Applied after the harness's own settings, so a bug report's odd setting wins. */
  sysctls: Record<string, string>;
  /** Argument vectors run in the host's namespace after its configuration; never a shell. */
  commands: string[][];
  /** The user's tool that configures part of this host, when the topology names one. */
  configurator?: Configurator;
  /** Present on real servers only. */
  http?: HttpServerSpec;
  /** Present on directors when the service has VRRP: the highest priority is the master. */
  vrrpPriority?: number;
  /** The MTU of the host's uplink (both ends of its veth). */
  mtu: number;
  /** Impairments of the host's uplink, or undefined for none. */
  netem?: Netem;
}

export interface RealServer {
  host: string;
  /** The address the director's rule names: the host's IPv4 address, or its IPv6 one for an IPv6 service tunnelled over IPv6. */
  address: string;
  port: number;
  weight: number;
  forwarding: ForwardingMethod;
}

/** keepalived's check of each real server: HTTP_GET, or none (a real server is then always up). */
export type HealthCheck =
  | {
      type: 'http-get';
      path: string;
      statusCode: number;
      /** Seconds between checks (keepalived's delay_loop); fractions allowed. */
      delayLoop: number;
      connectTimeout: number;
      /** Failed attempts retried before the real server is taken out. */
      retry: number;
      delayBeforeRetry: number;
    }
  | { type: 'none'; delayLoop: number };

/** The directors share the VIP through VRRP (a keepalived vrrp_instance on the uplink). */
export interface Vrrp {
  virtualRouterId: number;
  /** Seconds between the master's advertisements. */
  advertInterval: number;
  /**
   * The directors share their connection tables (keepalived's lvs_sync_daemon on the uplink,
   * bound to the VRRP instance): the master sends, the backups receive, so a failover keeps
   * established connections.
   */
  syncDaemon: boolean;
}

/**
 * How the director encapsulates for its tunnel-mode real servers: IP-in-IP (ipip, the classic
 * LVS-TUN), IP-in-IP inside UDP (gue, Linux 5.2+, to `port`), or GRE (Linux 5.3+); with a
 * checksum over the encapsulation (csum), a remote one (remcsum, GUE only), or none.
 */
export interface TunnelEncapsulation {
  type: 'ipip' | 'gue' | 'gre';
  /** GUE only: the UDP port the real servers decapsulate on (`ip fou add port N gue`). */
  port?: number;
  checksum: 'none' | 'csum' | 'remcsum';
}

/**
 * The device a real server takes GRE out of the tunnel on: one of its own, bound to its address
 * (more specific than the fallback gre0, which the kernel also makes), because a GRE device
 * drops packets whose checksum flag differs from its own, and gre0's cannot be changed.
 */
export const GRE_DEVICE = 'gre-lvs';

/**
 * The device a real server takes the tunnel out on, which holds the VIP: tunl0 (IP-in-IP, and
 * GUE and GRE, whose inner packets end there or beside it), ip6tnl0 (an IPv6 VIP over IPv6), sit0
 * (an IPv6 VIP over IPv4).
 */
export function vipDevice(service: Pick<VirtualService, 'family' | 'tunnelOver'>): 'tunl0' | 'ip6tnl0' | 'sit0' {
  if (service.family === 'ipv4') return 'tunl0';
  return service.tunnelOver === 'ipv6' ? 'ip6tnl0' : 'sit0';
}

/** `ipvsadm --set TCP TCPFIN UDP`: how long IPVS keeps an idle connection entry, in seconds; undefined leaves the kernel's. */
export interface IpvsTimeouts {
  tcp?: number;
  tcpFin?: number;
  udp?: number;
}

export interface VirtualService {
  vip: string;
  port: number;
  protocol: ServiceProtocol;
  /** The VIP's family. */
  family: 'ipv4' | 'ipv6';
  /**
   * An IPv6 service's tunnel to its real servers: IPv6-in-IPv6 to their IPv6 addresses (ip6tnl0
   * takes it out), or IPv6 inside IPv4 to their IPv4 ones (sit0). Always ipv4 for an IPv4 VIP.
   */
  tunnelOver: 'ipv4' | 'ipv6';
  scheduler: Scheduler;
  /** One-packet scheduling (`ipvsadm -o`, keepalived's `ops`): each UDP datagram scheduled on its own. */
  onePacket: boolean;
  /** The encapsulation of tunnel-mode real servers (ipip unless the topology says otherwise). */
  tunnel: TunnelEncapsulation;
  /** Idle timeouts set on every director; undefined keeps the kernel's (900, 120, 300). */
  timeouts?: IpvsTimeouts;
  /** Seconds of persistence (`ipvsadm -p`), or undefined for none. */
  persistence?: number;
  /** The persistence granularity (`ipvsadm -M`): client addresses masked with it share a real server. */
  persistenceNetmask?: string;
  /** How the director's rules get into the kernel. */
  rulesFrom: RulesTool;
  /** keepalived only (rulesFrom keepalived): how it checks real servers. */
  healthCheck?: HealthCheck;
  /** keepalived only: a failed real server gets weight 0 instead of leaving the table. */
  inhibitOnFailure: boolean;
  /** keepalived only: the directors hold the VIP through VRRP instead of statically. */
  vrrp?: Vrrp;
  realServers: RealServer[];
}

export interface Segment {
  subnet: string;
  prefixLength: number;
  /** The segment's IPv6 network, when it has one: every host gets an address there too. */
  subnet6?: string;
  prefixLength6?: number;
  mtu: number;
}

/** The public bug report a topology reproduces: documentation the harness carries and prints. */
export interface BugReport {
  url: string;
  /** In the reporter's words. */
  symptom: string;
  cause: string;
  fix: string;
  /** What this kernel shows of it, where the report's kernel behaved otherwise. */
  kernel?: string;
}

export interface Topology {
  name: string;
  /** The bug report this topology reproduces (fixtures/bugs). */
  report?: BugReport;
  /** The file it came from, for messages; undefined when built in code. */
  source?: string;
  segment: Segment;
  hosts: Host[];
  service: VirtualService;
  /** What `lvs-harness check` asserts by default. */
  assertions: AssertionName[];
}

/** The hosts of one role, in file order. */
export function hostsWithRole(topology: Topology, role: HostRole): Host[] {
  return topology.hosts.filter((host) => host.role === role);
}

/** Looks a host up by name; a missing one is a programming error, since validation checked. */
export function hostNamed(topology: Topology, name: string): Host {
  const host = topology.hosts.find((candidate) => candidate.name === name);
  if (!host) throw new Error(`topology ${topology.name} has no host named ${name}`);
  return host;
}

/** The directors, highest VRRP priority first (the master); without VRRP, the one director. */
export function directorsByPriority(topology: Topology): Host[] {
  return hostsWithRole(topology, 'director').sort((a, b) => (b.vrrpPriority ?? 0) - (a.vrrpPriority ?? 0));
}

/** Every address the client sends from: its own first, then its extra ones; for an IPv6 VIP, its IPv6 address. */
export function clientAddresses(topology: Topology): string[] {
  const client = clientHost(topology);
  if (topology.service.family === 'ipv6' && client.address6 !== undefined) return [client.address6];
  return [client.address, ...client.extraAddresses];
}

/**
 * The folders a guest kernel must see for the configurators to run there: each one's working
 * folder (its files beside the topology) and its program's, for a topology under /tmp, which
 * a guest otherwise shadows with its own.
 */
export function configuratorFolders(topology: Topology): string[] {
  const folders = topology.hosts.flatMap((host) => {
    const configurator = host.configurator;
    if (!configurator) return [];
    const program = configurator.argv[0]!;
    return [configurator.cwd, ...(program.startsWith('/') ? [program.slice(0, program.lastIndexOf('/')) || '/'] : [])];
  });
  return [...new Set(folders)];
}

/**
 * What a guest must be shown to load this topology file and run its configurators: the file,
 * and the configurators' folders, leaving out any path inside another (a guest cannot mount a
 * file inside a folder it already mounts).
 */
export function topologyShares(file: string, topology: Topology): string[] {
  const paths = [file, ...configuratorFolders(topology)];
  const inside = (path: string, folder: string) => path !== folder && path.startsWith(folder.endsWith('/') ? folder : `${folder}/`);
  return [...new Set(paths)].filter((path) => !paths.some((other) => inside(path, other)));
}

/** Whether the harness leaves this part of the host to its configurator. */
export function configuratorSets(host: Host, part: ConfiguratorPart): boolean {
  return host.configurator?.sets.includes(part) ?? false;
}

/**
 * Whether the director's table has an expectation to meet: the topology's rules, unless the
 * director's configurator was declared to be judged only by its own stable table.
 */
export function ipvsTableExpected(topology: Topology): boolean {
  return hostsWithRole(topology, 'director').every((director) => !configuratorSets(director, 'ipvs') || director.configurator?.expect !== 'stable');
}

/** The one client; validation guarantees there is exactly one. */
export function clientHost(topology: Topology): Host {
  const [client] = hostsWithRole(topology, 'client');
  if (!client) throw new Error(`topology ${topology.name} has no client`);
  return client;
}
