// The one place that asks a namespace's kernel for its state: addresses, neighbours, routes,
// sysctls, the IPVS rules, listing and connections. Each read is one process in the namespace
// (`ip -n NS` where iproute2 can, otherwise `nsenter --net`, never `ip netns exec`), parsed by this folder's pure readers.
// The build, the doctor, keepalived, failover and the distribution check all read through here.
import type { ProcessRunner } from '../process/process-runner.js';
import { ipv4Addresses, neighbourMac, parseLinkStates, routeDevice } from './ip-json.js';
import { parseIpvsConnections, parseIpvsEntries, type IpvsConnection } from './ipvs-connections.js';
import { parseIpvsList, type ListedService } from './ipvs-list.js';
import { parseIpvsSave, type IpvsRealServerEntry } from './ipvs-save.js';
import { hostSnapshotScript, parseHostSnapshot, type HostSnapshotRequest } from './host-snapshot.js';

/** A namespace to read, and the runner that runs the reads. */
export interface NamespaceReader {
  runner: ProcessRunner;
  netns: string;
}

/** The IPv4 addresses of one device, without prefix. */
export async function readIpv4Addresses({ runner, netns }: NamespaceReader, device: string): Promise<string[]> {
  const shown = await runner.run(['ip', '-n', netns, '-j', 'addr', 'show', 'dev', device]);
  return ipv4Addresses(shown.stdout);
}

/** The MAC the namespace's neighbour table holds for an address, or undefined. */
export async function readNeighbourMac({ runner, netns }: NamespaceReader, address: string): Promise<string | undefined> {
  const shown = await runner.run(['ip', '-n', netns, '-j', 'neigh', 'show', address]);
  return neighbourMac(shown.stdout, address);
}

/**
 * The IPVS rules as `ipvsadm-save -n` prints them (what the topology's rules are compared with).
 * `ipvsadm -S -n` is what that bash script runs: the same text, without a bash start first
 * (about 100 ms inside UML).
 */
export async function readIpvsRules({ runner, netns }: NamespaceReader): Promise<string> {
  return (await runner.run(['ipvsadm', '-S', '-n'], { netns })).stdout;
}

/** The real-server entries of the IPVS rules, with their weights. */
export async function readIpvsRealServers(reader: NamespaceReader): Promise<IpvsRealServerEntry[]> {
  return parseIpvsSave(await readIpvsRules(reader));
}

/** The services of `ipvsadm -Ln --nosort --tun-info`: real servers in the kernel's own order, with their counters and encapsulation. */
export async function readIpvsListing({ runner, netns }: NamespaceReader): Promise<ListedService[]> {
  return parseIpvsList((await runner.run(['ipvsadm', '-Ln', '--nosort', '--tun-info'], { netns })).stdout);
}

/** The client connections of the connection table (`ipvsadm -Lnc`), without persistence templates. */
export async function readIpvsConnections({ runner, netns }: NamespaceReader): Promise<IpvsConnection[]> {
  return parseIpvsConnections((await runner.run(['ipvsadm', '-Lnc'], { netns })).stdout);
}

/** Every entry of the connection table, persistence templates included. */
export async function readIpvsEntries({ runner, netns }: NamespaceReader): Promise<IpvsConnection[]> {
  return parseIpvsEntries((await runner.run(['ipvsadm', '-Lnc'], { netns })).stdout);
}

/** Several reads of the namespace in one process (host-snapshot.ts): links, sysctl files, and what else is asked. */
export async function readHostSnapshot({ runner, netns }: NamespaceReader, request: HostSnapshotRequest) {
  const { script, args } = hostSnapshotScript(request);
  const text = parseHostSnapshot((await runner.run(['sh', '-c', script, 'lvs-harness-read', ...args], { netns })).stdout);
  return {
    links: parseLinkStates(text.addresses),
    sysctls: text.sysctls,
    ...(text.route && { routeDevice: text.route.exitCode === 0 ? routeDevice(text.route.stdout) : undefined }),
    ...(text.fou !== undefined && { fouPorts: parseFouPorts(text.fou) }),
    ...(text.ipvsRules !== undefined && { ipvsRules: text.ipvsRules }),
  };
}

/** `ip fou show`'s GUE ports. Pure. */
export function parseFouPorts(text: string): number[] {
  return [...text.matchAll(/^port (\d+) gue\b/gm)].map((match) => Number(match[1]));
}
