// Starts each real server's HTTP server inside its namespace, as the walkthrough starts httpd,
// and knows when it is listening by what it prints.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stopPid } from '../process/stop-pid.js';
import { waitFor } from '../process/wait-for.js';
import { packagePath } from '../package-root.js';
import type { ProcessRunner } from '../process/process-runner.js';
import type { RunningProcess } from '../process/running-process.js';
import type { Host } from '../topology/topology.js';
import { hostNamed } from '../topology/topology.js';
import { namespaceOf, type ClusterPlan } from '../plan/cluster-plan.js';

const LISTEN_TIMEOUT_MS = 60_000;

/** Something the cluster started and must stop. */
export interface StoppableProcess {
  stop(): Promise<void>;
}

/**
 * Starts one host's server and resolves once it listens; a server that dies says why.
 * Detached, it outlives this process (a cluster left up), writing only to its log file.
 */
export async function startHttpServer(runner: ProcessRunner, host: Host, netns: string, logFolder: string, detached = false): Promise<StoppableProcess> {
  if (!host.http) throw new Error(`host ${host.name} is a ${host.role} and runs no HTTP server`);
  const argv = [process.execPath, packagePath('harness', 'agents', 'http-server.mjs'), '--name', host.name, '--port', String(host.http.port), '--body', host.http.body];
  if (host.http.bodySize !== undefined) argv.push('--body-size', String(host.http.bodySize));
  const label = `HTTP server on ${host.name}`;
  const logFile = join(logFolder, `http-${host.name}.log`);
  const awaiting = `the HTTP server on ${host.name} to listen on port ${host.http.port}`;
  if (detached) {
    const pid = await runner.spawnDetached(argv, { netns, logFile });
    const server = { stop: () => stopPid(pid, label) };
    try {
      await waitFor(async () => {
        const log = await readFile(logFile, 'utf8');
        if (!/^listening on /m.test(log)) throw new Error(log.trim() ? `it printed: ${log.trim().split('\n').slice(-3).join(' / ')}` : 'it printed nothing yet');
      }, { timeoutMs: LISTEN_TIMEOUT_MS, awaiting });
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }
  const server: RunningProcess = runner.spawn(argv, { netns, label, logFile });
  try {
    await server.waitForLine(/^listening on /, { timeoutMs: LISTEN_TIMEOUT_MS, awaiting });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/**
 * The HTTP servers of one cluster, by real server: started by the build, stopped and started
 * again by failover suites (a real server going down and coming back), stopped with the cluster.
 */
export class HttpServerSet {
  private readonly servers = new Map<string, StoppableProcess>();

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
    this.servers.set(hostName, await startHttpServer(this.runner, host, namespaceOf(this.plan, hostName), this.logFolder, this.detached));
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
