// The kernel settings each role needs, as the walkthrough applies them, then the host's own
// overrides from the topology (applied last, so a bug report's odd setting wins).
import { configuratorSets, GRE_DEVICE, type Host, type TunnelEncapsulation } from '../topology/topology.js';

export type SysctlSetting = readonly [key: string, value: string];

const directorSysctls = (uplink: string): SysctlSetting[] => [
  ['net.ipv4.ip_forward', '1'],
  ['net.ipv4.conf.all.send_redirects', '0'],
  ['net.ipv4.conf.default.send_redirects', '0'],
  [`net.ipv4.conf.${uplink}.send_redirects`, '0'],
];

const realServerSysctls = (uplink: string, tunnel: TunnelEncapsulation['type']): SysctlSetting[] => [
  // Only the director may answer ARP for the VIP: the real servers hold it too (on tunl0).
  ['net.ipv4.conf.all.arp_ignore', '1'],
  ['net.ipv4.conf.all.arp_announce', '2'],
  ['net.ipv4.conf.lo.arp_ignore', '1'],
  ['net.ipv4.conf.lo.arp_announce', '2'],
  [`net.ipv4.conf.${uplink}.arp_ignore`, '1'],
  [`net.ipv4.conf.${uplink}.arp_announce`, '2'],
  // Decapsulated packets come in on tunl0 from a client routed via the uplink: strict reverse-path
  // filtering drops them. The effective value is the larger of `all` and the interface's, and
  // tunl0 exists from namespace creation with whatever default held then, so set each one.
  ['net.ipv4.conf.all.rp_filter', '0'],
  ['net.ipv4.conf.default.rp_filter', '0'],
  [`net.ipv4.conf.${uplink}.rp_filter`, '0'],
  ['net.ipv4.conf.tunl0.rp_filter', '0'],
  // GRE's packets come out of the GRE device instead.
  ...(tunnel === 'gre' ? [[`net.ipv4.conf.${GRE_DEVICE}.rp_filter`, '0'] as const] : []),
];

/**
 * Every sysctl the build writes before any configurator runs, in the order they must be written:
 * the role's (unless the host's configurator sets them), then the host's own. A host with a
 * configurator gets its own ones after the configurator instead (ownSettingsAfterConfigurator),
 * so that a bug report's odd setting still wins.
 */
export function sysctlsFor(host: Host, uplink: string, tunnel: TunnelEncapsulation['type'] = 'ipip'): SysctlSetting[] {
  const role = configuratorSets(host, 'sysctls') ? [] : host.role === 'director' ? directorSysctls(uplink) : host.role === 'real-server' ? realServerSysctls(uplink, tunnel) : [];
  return host.configurator ? role : [...role, ...Object.entries(host.sysctls)];
}

/** A configured host's own sysctls, written once its configurator has run. */
export function ownSysctlsAfterConfigurator(host: Host): SysctlSetting[] {
  return host.configurator ? Object.entries(host.sysctls) : [];
}

/** The arguments of one `sysctl -w` that writes them all: one process per namespace, no shell. */
export function sysctlCommand(settings: readonly SysctlSetting[]): string[] {
  return ['sysctl', '-q', '-w', ...settings.map(([key, value]) => `${key}=${value}`)];
}

/**
 * Every host's settings in one process (native/netns-sysctl.c, at `program`): each namespace's
 * file, then its KEY=VALUE words, the groups apart by `--`.
 */
export function netnsSysctlCommand(program: string, groups: ReadonlyArray<{ netnsFile: string; settings: readonly SysctlSetting[] }>): string[] {
  return [program, ...groups.flatMap(({ netnsFile, settings }, index) => [...(index > 0 ? ['--'] : []), netnsFile, ...settings.map(([key, value]) => `${key}=${value}`)])];
}
