// The seed's cluster as topology text, with settings of the test's own on some hosts: how the
// configurator tests write "the seed, but lvs has this configurator" without a file per case.
import { parseTopologyText } from '../load-topology.js';
import type { Topology } from '../topology.js';

/**
 * The seed (lvs, web1, web2 on 192.168.73.0/24), each named host given `settings` (YAML flow
 * entries such as `configurator: { run: [my-agent] }`), and `service` lines after the VIP.
 */
export function seedWithHostSettings(settings: { lvs?: string; web1?: string; web2?: string }, service = ''): Topology {
  const extra = (name: keyof typeof settings) => (settings[name] ? `, ${settings[name]}` : '');
  return parseTopologyText(
    `
segment: { subnet: 192.168.73.0/24 }
hosts:
  client: { role: client, address: 192.168.73.50 }
  lvs: { role: director, address: 192.168.73.100${extra('lvs')} }
  web1: { role: real-server, address: 192.168.73.110${extra('web1')} }
  web2: { role: real-server, address: 192.168.73.111${extra('web2')} }
service:
  vip: 192.168.73.120
  realServers: [{ host: web1 }, { host: web2 }]
  ${service}
`,
    'configurators.yaml',
  );
}

/** The same with a configurator (YAML flow text) on each named host. */
export function seedWithConfigurators(configurators: { lvs?: string; web1?: string; web2?: string }, service = ''): Topology {
  const settings = Object.fromEntries(Object.entries(configurators).map(([host, configurator]) => [host, `configurator: ${configurator}`]));
  return seedWithHostSettings(settings, service);
}
