// `generate.realServers` written out: web1..webN as hosts at consecutive addresses and as
// real servers of the service, so everything after sees only listed hosts. Pure.
import type { TopologyFile } from './topology-schema.js';
import { MAX_HOSTS } from './topology-schema.js';
import type { TopologyProblem } from './topology-error.js';
import { formatIpv4, parseIpv4 } from './ipv4.js';

/** The file with its generated real servers listed; problems name the generate field. */
export function expandGenerated(file: TopologyFile): { file: TopologyFile; problems: TopologyProblem[] } {
  const spec = file.generate?.realServers;
  if (!spec) return { file, problems: [] };
  const path = 'generate.realServers';
  const prefix = spec.namePrefix ?? 'web';
  const first = parseIpv4(spec.firstAddress);
  if (first === undefined) return { file, problems: [{ path: `${path}.firstAddress`, message: `is not a valid IPv4 address: ${JSON.stringify(spec.firstAddress)}` }] };
  if (first + spec.count - 1 > 0xffffffff) return { file, problems: [{ path: `${path}.count`, message: `${spec.count} addresses from ${spec.firstAddress} run past 255.255.255.255` }] };

  const hosts = { ...file.hosts };
  const realServers = [...file.service.realServers];
  const problems: TopologyProblem[] = [];
  for (let index = 0; index < spec.count; index += 1) {
    const name = `${prefix}${index + 1}`;
    if (hosts[name]) {
      problems.push({ path: `${path}.namePrefix`, message: `would generate ${name}, which is already under hosts` });
      continue;
    }
    hosts[name] = { role: 'real-server', address: formatIpv4(first + index) };
    realServers.push({ host: name, weight: spec.weight, forwarding: spec.forwarding });
  }
  if (Object.keys(hosts).length > MAX_HOSTS) problems.push({ path: `${path}.count`, message: `makes ${Object.keys(hosts).length} hosts; at most ${MAX_HOSTS} are allowed` });
  return { file: { ...file, generate: undefined, hosts, service: { ...file.service, realServers } }, problems };
}
