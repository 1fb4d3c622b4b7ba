// The keepalived.conf of one director, from the topology: the virtual server with its real
// servers, weights and health checks (what ipvsadm-restore loads otherwise), and with VRRP the
// vrrp_instance that holds the VIP on the master. Pure, so every line is unit-tested.
import type { ForwardingMethod, HealthCheck, Host, RealServer, Topology, TunnelEncapsulation } from '../topology/topology.js';
import { directorsByPriority, hostNamed } from '../topology/topology.js';

const LB_KIND: Record<ForwardingMethod, string> = {
  tunnel: 'TUN',
  'direct-routing': 'DR',
  nat: 'NAT',
};

/** The name of the VRRP instance, also what keepalived's log lines call it: "(VI_51) ...". */
export function vrrpInstanceName(virtualRouterId: number): string {
  return `VI_${virtualRouterId}`;
}

/** The director that starts as VRRP master: the highest priority. */
export function vrrpMaster(topology: Topology): Host {
  const [master] = directorsByPriority(topology);
  if (!master) throw new Error(`topology ${topology.name} has no director`);
  return master;
}

/** keepalived.conf for `directorName`; `uplink` is the interface the VIP lives on. */
export function renderKeepalivedConf(topology: Topology, directorName: string, uplink: string): string {
  const director = hostNamed(topology, directorName);
  if (director.role !== 'director') throw new Error(`${directorName} is a ${director.role}, not a director: only directors run keepalived`);
  const { service } = topology;
  if (service.rulesFrom !== 'keepalived' || !service.healthCheck) {
    throw new Error(`topology ${topology.name} takes its rules from ${service.rulesFrom}, not keepalived`);
  }
  const lines = [
    `# keepalived.conf of director ${director.name} (${director.address}), topology ${topology.name}, written by lvs-harness`,
    'global_defs {',
    `  router_id ${director.name}`,
    ...renderGlobalLvsLines(topology, uplink),
    '}',
  ];
  if (service.vrrp) {
    const master = vrrpMaster(topology);
    lines.push(
      '',
      `vrrp_instance ${vrrpInstanceName(service.vrrp.virtualRouterId)} {`,
      `  state ${master.name === director.name ? 'MASTER' : 'BACKUP'}`,
      `  interface ${uplink}`,
      `  virtual_router_id ${service.vrrp.virtualRouterId}`,
      `  priority ${director.vrrpPriority}`,
      `  advert_int ${service.vrrp.advertInterval}`,
      '  virtual_ipaddress {',
      // /32 as the static VIP would be: no second subnet route.
      `    ${service.vip}/32 dev ${uplink}`,
      '  }',
      '}',
    );
  }
  const forwarding = service.realServers[0]?.forwarding ?? 'tunnel';
  lines.push(
    '',
    `virtual_server ${service.vip} ${service.port} {`,
    `  delay_loop ${service.healthCheck.delayLoop}`,
    `  lb_algo ${service.scheduler}`,
    `  ${lvsMethod(forwarding, service.tunnel)}`,
    `  protocol ${service.protocol.toUpperCase()}`,
  );
  if (service.onePacket) lines.push('  ops');
  if (service.persistence !== undefined) lines.push(`  persistence_timeout ${service.persistence}`);
  if (service.persistence !== undefined && service.persistenceNetmask !== undefined) lines.push(`  persistence_granularity ${service.persistenceNetmask}`);
  for (const server of service.realServers) {
    lines.push(...renderRealServer(server, service.healthCheck, service.inhibitOnFailure).map((line) => `  ${line}`));
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** How the virtual server forwards: `lb_kind TUN` for IP-in-IP, `lvs_method TUN type gue port N csum` and the like otherwise. */
function lvsMethod(forwarding: ForwardingMethod, tunnel: TunnelEncapsulation): string {
  if (forwarding !== 'tunnel' || tunnel.type === 'ipip') return `lb_kind ${LB_KIND[forwarding]}`;
  const checksum = tunnel.checksum === 'none' ? 'nocsum' : tunnel.checksum;
  return ['lvs_method TUN type', tunnel.type, ...(tunnel.port !== undefined ? ['port', String(tunnel.port)] : []), checksum].join(' ');
}

/** global_defs' IPVS settings: the idle timeouts, and the connection sync daemon beside VRRP. */
function renderGlobalLvsLines(topology: Topology, uplink: string): string[] {
  const { timeouts, vrrp } = topology.service;
  const lines: string[] = [];
  if (timeouts) {
    const parts = [
      ...(timeouts.tcp !== undefined ? [`tcp ${timeouts.tcp}`] : []),
      ...(timeouts.tcpFin !== undefined ? [`tcpfin ${timeouts.tcpFin}`] : []),
      ...(timeouts.udp !== undefined ? [`udp ${timeouts.udp}`] : []),
    ];
    if (parts.length > 0) lines.push(`  lvs_timeouts ${parts.join(' ')}`);
  }
  // The instance's state decides which side sends: the master's daemon sends, a backup's receives.
  if (vrrp?.syncDaemon) lines.push(`  lvs_sync_daemon ${uplink} ${vrrpInstanceName(vrrp.virtualRouterId)}`);
  return lines;
}

function renderRealServer(server: RealServer, check: HealthCheck, inhibitOnFailure: boolean): string[] {
  const lines = [`real_server ${server.address} ${server.port} {`, `  weight ${server.weight}`];
  // keepalived sets the weight to 0 instead of removing the server: its connections drain.
  if (inhibitOnFailure) lines.push('  inhibit_on_failure');
  if (check.type === 'http-get') {
    lines.push(
      '  HTTP_GET {',
      '    url {',
      `      path ${check.path}`,
      `      status_code ${check.statusCode}`,
      '    }',
      `    connect_timeout ${check.connectTimeout}`,
      `    retry ${check.retry}`,
      `    delay_before_retry ${check.delayBeforeRetry}`,
      '  }',
    );
  }
  lines.push('}');
  return lines;
}
