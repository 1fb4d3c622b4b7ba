// Turns a schema-valid topology file into the resolved Topology: fills defaults and checks
// what a schema cannot see (addresses that collide, a VIP outside the segment, roles).
import { dirname, isAbsolute, resolve } from 'node:path';
import type { TopologyFile } from './topology-schema.js';
import { CONFIGURATOR_PARTS, DEFAULT_ASSERTIONS, type Configurator, type ConfiguratorPart, type HealthCheck, type Host, type RealServer, type RulesTool, type Topology, type Vrrp } from './topology.js';
import { TOPOLOGY_DEFAULTS } from './topology-defaults.js';
import type { TopologyProblem } from './topology-error.js';
import { cidrContains, formatIpv4, isReservedInCidr, macForAddress, parseIpv4, parseIpv4Cidr } from './ipv4.js';
import { derivedIpv6, formatIpv6, ipv6CidrContains, parseIpv6, parseIpv6Cidr, type Ipv6Cidr } from './ipv6.js';

export type ResolveResult = { topology: Topology; problems: [] } | { topology?: undefined; problems: TopologyProblem[] };

/** Resolves and checks a parsed file; returns every problem found rather than the first. */
export function resolveTopology(file: TopologyFile, fallbackName: string, source?: string): ResolveResult {
  const problems: TopologyProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });

  const subnet = parseIpv4Cidr(file.segment.subnet);
  if (!subnet) problem('segment.subnet', `must be a network in CIDR form like 192.168.73.0/24, got ${JSON.stringify(file.segment.subnet)}`);

  const checkAddress = (path: string, text: string): number | undefined => {
    const value = parseIpv4(text);
    if (value === undefined) {
      problem(path, `is not a valid IPv4 address: ${JSON.stringify(text)}`);
      return undefined;
    }
    if (subnet && !cidrContains(subnet, value)) problem(path, `${text} is outside the segment ${file.segment.subnet}`);
    else if (subnet && isReservedInCidr(subnet, value)) problem(path, `${text} is the network or broadcast address of ${file.segment.subnet}`);
    return value;
  };

  const hostEntries = Object.entries(file.hosts);
  const ownerOfAddress = new Map<number, string>();
  for (const [name, host] of hostEntries) {
    const path = `hosts.${name}.address`;
    const value = checkAddress(path, host.address);
    if (value === undefined) continue;
    const owner = ownerOfAddress.get(value);
    if (owner) problem(path, `${host.address} is already the address of host ${owner}`);
    else ownerOfAddress.set(value, name);
    if (host.http && host.role !== 'real-server') problem(`hosts.${name}.http`, `only real servers run an HTTP server, and ${name} is a ${host.role}`);
  }

  // The client's extra addresses: unique, in the segment, nobody else's.
  const extraAddresses = new Map<string, string[]>();
  for (const [name, host] of hostEntries) {
    if (host.extraAddresses === undefined) continue;
    const path = `hosts.${name}.extraAddresses`;
    if (host.role !== 'client') {
      problem(path, `only the client sends from extra addresses, and ${name} is a ${host.role}`);
      continue;
    }
    const listed = expandAddresses(host.extraAddresses);
    if (typeof listed === 'string') {
      problem(path, listed);
      continue;
    }
    listed.forEach((text, index) => {
      const value = checkAddress(`${path}[${index}]`, text);
      if (value === undefined) return;
      const owner = ownerOfAddress.get(value);
      if (owner) problem(`${path}[${index}]`, `${text} is already ${owner === name ? `an address of ${name}` : `the address of host ${owner}`}`);
      else ownerOfAddress.set(value, name);
    });
    extraAddresses.set(name, listed);
  }

  // The segment's IPv6 side: every host gets an address there, its own or one derived from its IPv4 address.
  const subnet6 = file.segment.subnet6 === undefined ? undefined : parseIpv6Cidr(file.segment.subnet6);
  if (file.segment.subnet6 !== undefined && !subnet6) problem('segment.subnet6', `must be an IPv6 network in CIDR form like 2001:db8:73::/64 (prefix 8-124, host bits zero), got ${JSON.stringify(file.segment.subnet6)}`);
  const addresses6 = resolveIpv6Addresses(file, subnet6, problem);
  const vipIsIpv6 = file.service.vip.includes(':');
  let vip = file.service.vip;
  if (vipIsIpv6) {
    const value = parseIpv6(file.service.vip);
    if (value === undefined) problem('service.vip', `is not a valid IPv6 address: ${JSON.stringify(file.service.vip)}`);
    else if (!subnet6) problem('service.vip', `${file.service.vip} is an IPv6 address: the segment needs an IPv6 side too (segment.subnet6)`);
    else {
      vip = formatIpv6(value);
      if (!ipv6CidrContains(subnet6, value)) problem('service.vip', `${file.service.vip} is outside the segment's IPv6 network ${file.segment.subnet6}`);
      const owner = [...addresses6.entries()].find(([, address]) => address === vip)?.[0];
      if (owner) problem('service.vip', `${vip} is also the IPv6 address of host ${owner}; the VIP must be an address of its own`);
    }
    if (file.service.persistenceNetmask !== undefined) problem('service.persistenceNetmask', 'is an IPv4 netmask: an IPv6 service has none here');
    if (file.service.rulesFrom === 'keepalived') problem('service.rulesFrom', 'an IPv6 service takes its rules from ipvsadm or ipvsadm-restore here (keepalived for IPv6 is not built yet)');
    if (file.service.tunnel && file.service.tunnel.type !== 'ipip') problem('service.tunnel.type', `an IPv6 service is tunnelled as IPv6-in-IPv6 or IPv6 inside IPv4 here, not ${file.service.tunnel.type}`);
    file.service.realServers.forEach((entry, index) => {
      if (entry.forwarding !== undefined && entry.forwarding !== 'tunnel') problem(`service.realServers[${index}].forwarding`, `an IPv6 service forwards by tunnel here, not ${entry.forwarding}`);
    });
    for (const [name, host] of hostEntries) {
      if (host.extraAddresses !== undefined) problem(`hosts.${name}.extraAddresses`, 'are IPv4 addresses: an IPv6 service is asked from the client\'s IPv6 address');
    }
  } else {
    const vipValue = checkAddress('service.vip', file.service.vip);
    if (vipValue !== undefined && ownerOfAddress.has(vipValue)) {
      problem('service.vip', `${file.service.vip} is also the address of host ${ownerOfAddress.get(vipValue)}; the VIP must be an address of its own`);
    }
    if (file.service.tunnelOver !== undefined) problem('service.tunnelOver', 'is an IPv6 service\'s: an IPv4 VIP is always tunnelled over IPv4');
  }
  const tunnelOver = vipIsIpv6 ? (file.service.tunnelOver ?? 'ipv6') : 'ipv4';

  if (file.service.persistenceNetmask !== undefined) {
    if (file.service.persistence === undefined) problem('service.persistenceNetmask', 'needs service.persistence: a granularity means nothing without persistence');
    const mask = parseIpv4(file.service.persistenceNetmask);
    const bits = mask === undefined ? '' : (mask >>> 0).toString(2).padStart(32, '0');
    if (mask === undefined || !/^1+0*$/.test(bits)) problem('service.persistenceNetmask', `must be a netmask like 255.255.255.0, got ${JSON.stringify(file.service.persistenceNetmask)}`);
  }
  if (file.service.onePacket && file.service.protocol !== 'udp') {
    problem('service.onePacket', "is UDP's: one-packet scheduling needs service.protocol: udp (IPVS schedules TCP by connection)");
  }
  const tunnel = file.service.tunnel;
  if (tunnel?.type === 'gue' && tunnel.port === undefined) problem('service.tunnel.port', 'is needed with type gue: the UDP port the real servers decapsulate GUE on');
  if (tunnel && tunnel.type !== 'gue' && tunnel.port !== undefined) problem('service.tunnel.port', `means nothing with type ${tunnel.type}: only GUE travels in UDP`);
  if (tunnel?.checksum === 'remcsum' && tunnel.type !== 'gue') problem('service.tunnel.checksum', "remcsum is GUE's (remote checksum offload)");
  if (tunnel?.type === 'gue' && tunnel.port === file.service.port && file.service.protocol === 'udp') {
    problem('service.tunnel.port', `${tunnel.port} is also the UDP service's port: the real servers would take the service's datagrams for GUE`);
  }
  if (file.service.vrrp?.syncDaemon && file.service.rulesFrom !== 'keepalived') {
    problem('service.vrrp.syncDaemon', 'needs service.rulesFrom: keepalived (it is keepalived that runs the sync daemon beside VRRP)');
  }
  const assertions = file.assertions ?? [];
  if (assertions.includes('real-server-failover') && file.service.rulesFrom !== 'keepalived') {
    problem('assertions', 'real-server-failover needs service.rulesFrom: keepalived (it is keepalived that takes a dead real server out)');
  }
  if (assertions.includes('director-failover') && !file.service.vrrp) {
    problem('assertions', 'director-failover needs service.vrrp and two directors (it is VRRP that moves the VIP)');
  }
  if (file.service.realServers.length === 0) problem('service.realServers', 'must list at least one real server (or use generate.realServers)');
  const countOf = (role: string) => hostEntries.filter(([, host]) => host.role === role).length;
  if (countOf('client') !== 1) problem('hosts', `needs exactly one host with role client, found ${countOf('client')}`);
  // A director's configurator that sets the IPVS rules is where the rules come from.
  const rulesConfigurator = hostEntries.find(([, host]) => host.role === 'director' && host.configurator && (host.configurator.sets ?? ['ipvs']).includes('ipvs'));
  if (rulesConfigurator && file.service.rulesFrom !== undefined) {
    problem('service.rulesFrom', `conflicts with hosts.${rulesConfigurator[0]}.configurator, which sets the IPVS rules (leave rulesFrom out, or take ipvs out of its sets)`);
  }
  for (const [name, host] of hostEntries) {
    if (!host.configurator) continue;
    const path = `hosts.${name}.configurator`;
    if (host.role === 'client') {
      problem(path, 'only directors and real servers have a configurator: the client is the harness\'s');
      continue;
    }
    const allowed = CONFIGURATOR_PARTS[host.role];
    for (const part of host.configurator.sets ?? []) {
      if (!allowed.includes(part)) problem(`${path}.sets`, `${part} is not a ${host.role}'s to set: a ${host.role}'s configurator sets ${allowed.join(', ')}`);
    }
    if (host.configurator.ready !== undefined && !host.configurator.daemon) problem(`${path}.ready`, 'is a daemon\'s: a one-shot configurator is done when it exits (set daemon: true, or leave ready out)');
    if (host.configurator.expect === 'stable' && (host.configurator.timeout ?? TOPOLOGY_DEFAULTS.configuratorTimeoutSeconds) < 2) {
      problem(`${path}.timeout`, 'must be at least 2 seconds with expect: stable: the table must stay the same for 1 s within it');
    }
    if (host.configurator.expect !== undefined && host.role !== 'director') problem(`${path}.expect`, 'is a director\'s: it says what its IPVS table must become');
    else if (host.configurator.expect !== undefined && !(host.configurator.sets ?? ['ipvs']).includes('ipvs')) {
      problem(`${path}.expect`, 'needs ipvs in sets: it says what the table this configurator loads must become, and the harness loads this one');
    }
  }
  const rulesFrom: RulesTool = rulesConfigurator ? 'configurator' : (file.service.rulesFrom ?? TOPOLOGY_DEFAULTS.rulesFrom);
  const usesVrrp = file.service.vrrp !== undefined;
  if (usesVrrp) {
    // Several directors make sense only when something moves the VIP between them: VRRP.
    if (countOf('director') < 1) problem('hosts', `needs at least one host with role director, found 0`);
  } else if (countOf('director') !== 1) {
    const hint = countOf('director') > 1 ? ' (two or more directors need service.vrrp, which moves the VIP between them)' : '';
    problem('hosts', `needs exactly one host with role director, found ${countOf('director')}${hint}`);
  }
  if (rulesFrom !== 'keepalived') {
    for (const key of ['healthCheck', 'inhibitOnFailure', 'vrrp'] as const) {
      if (file.service[key] !== undefined) problem(`service.${key}`, `is a keepalived setting: it needs service.rulesFrom: keepalived (got ${rulesFrom})`);
    }
  }
  const check = file.service.healthCheck;
  if (check?.type === 'none') {
    for (const key of ['path', 'statusCode', 'connectTimeout', 'retry', 'delayBeforeRetry'] as const) {
      if (check[key] !== undefined) problem(`service.healthCheck.${key}`, 'means nothing with type none (no check runs)');
    }
  }
  const priorityOwner = new Map<number, string>();
  hostEntries
    .filter(([, host]) => host.role === 'director')
    .forEach(([name, host], index) => {
      if (host.vrrpPriority !== undefined && !usesVrrp) problem(`hosts.${name}.vrrpPriority`, 'needs service.vrrp: without VRRP there is no priority to have');
      if (!usesVrrp) return;
      const priority = host.vrrpPriority ?? TOPOLOGY_DEFAULTS.vrrpPriority(index);
      const owner = priorityOwner.get(priority);
      if (owner) problem(`hosts.${name}.vrrpPriority`, `${priority} is also ${owner}'s; each director needs a priority of its own, so that which one is the master is clear`);
      else priorityOwner.set(priority, name);
    });
  for (const [name, host] of hostEntries) {
    if (host.vrrpPriority !== undefined && host.role !== 'director') problem(`hosts.${name}.vrrpPriority`, `only directors take part in VRRP, and ${name} is a ${host.role}`);
  }
  if (countOf('real-server') < 1) problem('hosts', 'needs at least one host with role real-server');

  const servicePort = file.service.port ?? TOPOLOGY_DEFAULTS.servicePort;
  const listed = new Set<string>();
  const realServers: RealServer[] = [];
  file.service.realServers.forEach((entry, index) => {
    const path = `service.realServers[${index}]`;
    const host = file.hosts[entry.host];
    if (!host) return problem(`${path}.host`, `names no host: ${entry.host} is not under hosts`);
    if (host.role !== 'real-server') return problem(`${path}.host`, `${entry.host} is a ${host.role}, not a real-server`);
    if (listed.has(entry.host)) return problem(`${path}.host`, `${entry.host} is listed twice`);
    listed.add(entry.host);
    const forwarding = entry.forwarding ?? TOPOLOGY_DEFAULTS.forwarding;
    const port = entry.port ?? servicePort;
    if (forwarding !== 'nat' && port !== servicePort) {
      problem(`${path}.port`, `${forwarding} cannot change the port: it must equal service.port (${servicePort}), got ${port}`);
    }
    // An IPv6 service tunnelled over IPv6 names its real servers by their IPv6 addresses.
    const address = tunnelOver === 'ipv6' ? (addresses6.get(entry.host) ?? host.address) : host.address;
    realServers.push({ host: entry.host, address, port, weight: entry.weight ?? TOPOLOGY_DEFAULTS.realServerWeight, forwarding });
  });

  if (rulesFrom === 'keepalived') {
    // keepalived 2.2 takes the forwarding method (lb_kind) per virtual server, not per real server.
    const methods = [...new Set(realServers.map((server) => server.forwarding))];
    if (methods.length > 1) problem('service.realServers', `keepalived forwards every real server of a service the same way (lb_kind), got ${methods.join(' and ')}`);
  }

  if (problems.length > 0 || !subnet) return { problems };

  const directorNames = hostEntries.filter(([, host]) => host.role === 'director').map(([name]) => name);
  const hosts: Host[] = hostEntries.map(([name, host]) => {
    const listedPort = realServers.find((server) => server.host === name)?.port ?? servicePort;
    return {
      name,
      role: host.role,
      address: host.address,
      ...(addresses6.has(name) ? { address6: addresses6.get(name)! } : {}),
      extraAddresses: extraAddresses.get(name) ?? [],
      mac: macForAddress(host.address),
      sysctls: host.sysctls ?? {},
      commands: host.commands ?? [],
      ...(host.configurator && host.role !== 'client' ? { configurator: resolveConfigurator(host.configurator, host.role, source) } : {}),
      http:
        host.role === 'real-server'
          ? { port: host.http?.port ?? listedPort, body: host.http?.body ?? TOPOLOGY_DEFAULTS.httpBody(name), bodySize: host.http?.bodySize }
          : undefined,
      mtu: host.mtu ?? file.segment.mtu ?? TOPOLOGY_DEFAULTS.segmentMtu,
      netem: host.netem,
      vrrpPriority:
        usesVrrp && host.role === 'director' ? (host.vrrpPriority ?? TOPOLOGY_DEFAULTS.vrrpPriority(directorNames.indexOf(name))) : undefined,
    };
  });

  return {
    problems: [],
    topology: {
      name: file.name ?? fallbackName,
      ...(file.report ? { report: { ...file.report } } : {}),
      source,
      segment: {
        subnet: file.segment.subnet,
        prefixLength: subnet.prefixLength,
        ...(subnet6 ? { subnet6: `${formatIpv6(subnet6.network)}/${subnet6.prefixLength}`, prefixLength6: subnet6.prefixLength } : {}),
        mtu: file.segment.mtu ?? TOPOLOGY_DEFAULTS.segmentMtu,
      },
      hosts,
      assertions: file.assertions ?? [...DEFAULT_ASSERTIONS],
      service: {
        vip,
        family: vipIsIpv6 ? 'ipv6' : 'ipv4',
        tunnelOver,
        port: servicePort,
        protocol: file.service.protocol ?? TOPOLOGY_DEFAULTS.serviceProtocol,
        onePacket: file.service.onePacket ?? false,
        tunnel: { type: tunnel?.type ?? 'ipip', ...(tunnel?.port !== undefined ? { port: tunnel.port } : {}), checksum: tunnel?.checksum ?? 'none' },
        ...(file.service.timeouts !== undefined ? { timeouts: { ...file.service.timeouts } } : {}),
        scheduler: file.service.scheduler ?? TOPOLOGY_DEFAULTS.scheduler,
        persistence: file.service.persistence,
        ...(file.service.persistenceNetmask !== undefined && file.service.persistenceNetmask !== '255.255.255.255' ? { persistenceNetmask: file.service.persistenceNetmask } : {}),
        rulesFrom,
        healthCheck: rulesFrom === 'keepalived' ? resolveHealthCheck(file.service.healthCheck) : undefined,
        inhibitOnFailure: file.service.inhibitOnFailure ?? TOPOLOGY_DEFAULTS.inhibitOnFailure,
        vrrp: resolveVrrp(file.service.vrrp),
        realServers,
      },
    },
  };
}

/**
 * Defaults filled in, and a program named by a relative path (./configure.sh) found beside the
 * topology file, which is also the folder it runs in: a bug report's files travel together.
 */
function resolveConfigurator(spec: NonNullable<TopologyFile['hosts'][string]['configurator']>, role: 'director' | 'real-server', source: string | undefined): Configurator {
  const fromFile = source !== undefined && !source.startsWith('(');
  const cwd = fromFile ? dirname(resolve(source)) : process.cwd();
  const [program, ...args] = spec.run as [string, ...string[]];
  const relative = !isAbsolute(program) && program.includes('/');
  return {
    argv: [relative ? resolve(cwd, program) : program, ...args],
    cwd,
    daemon: spec.daemon ?? false,
    ...(spec.ready !== undefined ? { ready: spec.ready } : {}),
    sets: [...new Set<ConfiguratorPart>(spec.sets ?? (role === 'director' ? ['ipvs'] : ['tunnel', 'sysctls']))],
    expect: spec.expect ?? 'topology',
    timeoutSeconds: spec.timeout ?? TOPOLOGY_DEFAULTS.configuratorTimeoutSeconds,
    env: spec.env ?? {},
  };
}

/** Each host's IPv6 address: its own (checked: valid, in the segment, unique) or derived; none without subnet6. */
function resolveIpv6Addresses(file: TopologyFile, subnet6: Ipv6Cidr | undefined, problem: (path: string, message: string) => void): Map<string, string> {
  const addresses = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const [name, host] of Object.entries(file.hosts)) {
    const path = `hosts.${name}.address6`;
    if (!subnet6) {
      if (host.address6 !== undefined) problem(path, 'needs segment.subnet6: the segment has no IPv6 side');
      continue;
    }
    let address: string;
    if (host.address6 !== undefined) {
      const value = parseIpv6(host.address6);
      if (value === undefined) {
        problem(path, `is not a valid IPv6 address: ${JSON.stringify(host.address6)}`);
        continue;
      }
      if (!ipv6CidrContains(subnet6, value)) problem(path, `${host.address6} is outside the segment's IPv6 network ${file.segment.subnet6}`);
      address = formatIpv6(value);
    } else {
      address = derivedIpv6(subnet6, host.address);
    }
    const owner = owners.get(address);
    if (owner) problem(path, `${address} is already the IPv6 address of host ${owner}${host.address6 === undefined ? ' (derived from the last byte of the IPv4 address: give one of them address6)' : ''}`);
    else owners.set(address, name);
    addresses.set(name, address);
  }
  return addresses;
}

/** The extra addresses as a list, or why not. */
function expandAddresses(spec: NonNullable<TopologyFile['hosts'][string]['extraAddresses']>): string[] | string {
  if (Array.isArray(spec)) return spec;
  const first = parseIpv4(spec.first);
  if (first === undefined) return `first: is not a valid IPv4 address: ${JSON.stringify(spec.first)}`;
  if (first + spec.count - 1 > 0xffffffff) return `${spec.count} addresses from ${spec.first} run past 255.255.255.255`;
  return Array.from({ length: spec.count }, (_, index) => formatIpv4(first + index));
}

function resolveHealthCheck(check: TopologyFile['service']['healthCheck']): HealthCheck {
  const defaults = TOPOLOGY_DEFAULTS.healthCheck;
  const delayLoop = check?.delayLoop ?? defaults.delayLoop;
  if (check?.type === 'none') return { type: 'none', delayLoop };
  return {
    type: 'http-get',
    path: check?.path ?? defaults.path,
    statusCode: check?.statusCode ?? defaults.statusCode,
    delayLoop,
    connectTimeout: check?.connectTimeout ?? defaults.connectTimeout,
    retry: check?.retry ?? defaults.retry,
    delayBeforeRetry: check?.delayBeforeRetry ?? defaults.delayBeforeRetry,
  };
}

function resolveVrrp(vrrp: TopologyFile['service']['vrrp']): Vrrp | undefined {
  if (!vrrp) return undefined;
  return {
    virtualRouterId: vrrp.virtualRouterId ?? TOPOLOGY_DEFAULTS.vrrpVirtualRouterId,
    advertInterval: vrrp.advertInterval ?? TOPOLOGY_DEFAULTS.vrrpAdvertInterval,
    syncDaemon: vrrp.syncDaemon ?? false,
  };
}
