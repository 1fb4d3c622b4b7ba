// Starts each real server's HTTP server (agents/http-server.c) inside its namespace, as the
// walkthrough starts httpd, and knows when it is listening by what it prints.
import { join } from 'node:path';
import { startManagedProcess, type ManagedProcess } from '../process/managed-process.js';
import { builtProgram, HTTP_SERVER } from '../native/native-programs.js';
import { namespaceFile, type ProcessRunner } from '../process/process-runner.js';
import type { Host, Topology } from '../topology/topology.js';
import { hostNamed } from '../topology/topology.js';
import { namespaceOf, type ClusterPlan } from '../plan/cluster-plan.js';

const LISTEN_TIMEOUT_MS = 60_000;

/**
 * Starts one host's server and resolves once it listens; a server that dies says why.
 * Detached, it outlives this process (a cluster left up), writing only to its log file.
 */
export async function startHttpServer(runner: ProcessRunner, topology: Topology, host: Host, netns: string, logFolder: string, detached = false): Promise<ManagedProcess> {
  if (!host.http) throw new Error(`host ${host.name} is a ${host.role} and runs no HTTP server`);
  // It enters the namespace itself (--netns): nsenter would be one more process per real server.
  const argv = [await builtProgram(HTTP_SERVER), '--netns', namespaceFile(netns), '--name', host.name, '--port', String(host.http.port), '--body', host.http.body];
  if (host.http.bodySize !== undefined) argv.push('--body-size', String(host.http.bodySize));
  argv.push(...udpArguments(topology, host));
  const server = await startManagedProcess(runner, argv, { netns, entersItself: true, label: `HTTP server on ${host.name}`, logFile: join(logFolder, `http-${host.name}.log`), detached });
  try {
    await server.waitForLine(/^listening on /, { timeoutMs: LISTEN_TIMEOUT_MS, awaiting: `the HTTP server on ${host.name} to listen on port ${host.http.port}` });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/**
 * A UDP service's servers answer datagrams too, and those that receive the VIP itself (tunnel
 * and direct routing, not NAT) answer from a socket on the VIP.
 */
function udpArguments(topology: Topology, host: Host): string[] {
  const { service } = topology;
  if (service.protocol !== 'udp') return [];
  const receivesVip = service.realServers.some((server) => server.host === host.name && server.forwarding !== 'nat');
  return ['--udp', ...(receivesVip ? ['--udp-address', service.vip] : [])];
}

/**
 * The HTTP servers of one cluster, by real server: started by the build, stopped and started
 * again by failover suites (a real server going down and coming back), stopped with the cluster.
 */
export class HttpServerSet {
  private readonly servers = new Map<string, ManagedProcess>();

  constructor(
    private readonly runner: ProcessRunner,
    private readonly plan: ClusterPlan,
    private readonly logFolder: string,
    private readonly detached = false,
  ) {}

  /** Starts a real server's HTTP server and resolves once it listens. */
  async start(hostName: string): Promise<void> {
    if (this.servers.has(hostName)) throw new Error(`the HTTP server on ${hostName} is already running`);
    const host = hostNamed(this.plan.topology, hostName);
    this.servers.set(hostName, await startHttpServer(this.runner, this.plan.topology, host, namespaceOf(this.plan, hostName), this.logFolder, this.detached));
  }

  /** Stops it (SIGTERM, then SIGKILL); harmless when it is not running. */
  async stop(hostName: string): Promise<void> {
    const server = this.servers.get(hostName);
    this.servers.delete(hostName);
    await server?.stop();
  }

  isRunning(hostName: string): boolean {
    return this.servers.has(hostName);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.servers.keys()].map((hostName) => this.stop(hostName)));
  }
}
