// A built cluster: the handle that owns everything its build made (namespaces, links,
// processes, its run folder) and undoes it in reverse order on stop().
import type { Host, Topology } from '../topology/topology.js';
import { clientAddresses, clientHost, hostNamed } from '../topology/topology.js';
import type { ProcessRunner, RunOptions, CommandResult } from '../process/process-runner.js';
import type { ClusterPlan } from '../plan/cluster-plan.js';
import { namespaceOf } from '../plan/cluster-plan.js';
import type { ClientAgent } from './client-agent.js';
import { LongFlow } from './long-flow.js';
import type { HttpOutcome } from '../traffic/http-outcome.js';
import type { UndoStack } from '../process/undo-stack.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findRun, registryFolder, saveRun } from './run-registry.js';
import type { JournalEntry } from '../process/command-journal.js';
import type { NamespaceReader } from '../kernel-state/read-kernel-state.js';
import { hostsWithRole } from '../topology/topology.js';
import { formatIpv4, parseIpv4Cidr } from '../topology/ipv4.js';
import type { HttpServerSet } from './http-servers.js';
import type { Configurators } from './configurators.js';
import type { KeepalivedDirectors } from '../keepalived/keepalived-directors.js';
import { directorsHoldingVip } from '../keepalived/vip-holders.js';
import { hostPort } from '../topology/ipv6.js';

/** Where a detached run keeps the commands that built it. */
export const BUILD_JOURNAL_FILE = 'build-commands.json';

/** The segment's broadcast address. */
export function segmentBroadcast(topology: Topology): string {
  const cidr = parseIpv4Cidr(topology.segment.subnet)!;
  return formatIpv4(cidr.network + 2 ** (32 - cidr.prefixLength) - 1);
}

/** What a build started that a suite may stop and start again. */
export interface ClusterParts {
  httpServers?: HttpServerSet;
  /** Present when the rules come from keepalived. */
  keepalived?: KeepalivedDirectors;
  /** The users' configurators, when the topology names any. */
  configurators?: Configurators;
  /** What a tolerated build saw unsettled (buildCluster's tolerateUnsettled). */
  unsettled?: ReadonlyArray<{ what: string; detail: string }>;
}

export interface RequestOptions {
  count: number;
  timeoutMs?: number;
  path?: string;
  /** Every request from this client port, instead of a port the run has not used (to show what a reused port meets). */
  fromPort?: number;
  /**
   * The client addresses the requests come from, in turn (request i from address i mod n):
   * `all` for every address the client holds; by default its own address only.
   */
  from?: 'all' | readonly string[];
  /**
   * An upload of this many bytes with each request: a POST's body on TCP, a datagram padded to
   * it on UDP (full-size packets from the client through the tunnel).
   */
  uploadBytes?: number;
}

/** What opening a long-lived flow takes. */
export interface FlowOptions {
  timeoutMs?: number;
  fromPort?: number;
  fromAddress?: string;
  path?: string;
}

export class Cluster {
  constructor(
    readonly plan: ClusterPlan,
    readonly runner: ProcessRunner,
    readonly runDir: string,
    private readonly clientAgent: ClientAgent,
    private readonly undo: UndoStack,
    /** How long each build stage took, for benchmarks. */
    readonly stageTimings: ReadonlyArray<{ stage: string; ms: number }> = [],
    private readonly parts: ClusterParts = {},
  ) {
    // Built at the moment of construction: what the journal holds now is the build.
    this.buildCommandCount = runner.journal.entries.length;
  }

  private readonly buildCommandCount: number;

  /** The commands that built the cluster, in order (what a bundle's commands.sh replays). */
  get buildCommands(): JournalEntry[] {
    return this.runner.journal.entries.slice(0, this.buildCommandCount);
  }

  get topology(): Topology {
    return this.plan.topology;
  }

  get runId(): string {
    return this.plan.runId;
  }

  /** The namespace a host lives in. */
  namespaceOf(hostName: string): string {
    return namespaceOf(this.plan, hostName);
  }

  host(name: string): Host {
    return hostNamed(this.topology, name);
  }

  /** The director; with VRRP, the first one listed (see `directors`). */
  /** What the build saw unsettled, when it was told to tolerate that; empty for a settled cluster. */
  get unsettled(): ReadonlyArray<{ what: string; detail: string }> {
    return this.parts.unsettled ?? [];
  }

  get director(): Host {
    return hostsWithRole(this.topology, 'director')[0]!;
  }

  /** Every director: one, or with VRRP those that share the VIP. */
  get directors(): Host[] {
    return hostsWithRole(this.topology, 'director');
  }

  /** keepalived on the directors; undefined unless the topology's rules come from keepalived. */
  get keepalived(): KeepalivedDirectors | undefined {
    return this.parts.keepalived;
  }

  /** The configurator daemons that have exited since the build, each in its own words. */
  async exitedConfigurators(): Promise<string[]> {
    return (await this.parts.configurators?.exited()) ?? [];
  }

  /** The directors whose uplink holds the VIP now. */
  vipHolders(): Promise<string[]> {
    return directorsHoldingVip(this.runner, this.plan);
  }

  /** Stops a real server's HTTP server (SIGTERM): the real server is down, its host still up. */
  async stopHttpServer(hostName: string): Promise<void> {
    await this.httpServers().stop(hostName);
  }

  /** Starts a real server's HTTP server again and resolves once it listens. */
  async startHttpServer(hostName: string): Promise<void> {
    await this.httpServers().start(hostName);
  }

  private httpServers(): HttpServerSet {
    if (!this.parts.httpServers) throw new Error(`run ${this.runId} was built without a handle on its HTTP servers`);
    return this.parts.httpServers;
  }

  get client(): Host {
    return clientHost(this.topology);
  }

  /** A host's namespace, for the readers of harness/kernel-state. */
  namespaceReader(hostName: string): NamespaceReader {
    return { runner: this.runner, netns: this.namespaceOf(hostName) };
  }

  /** Runs a command inside a host's namespace. */
  exec(hostName: string, argv: readonly string[], options: Omit<RunOptions, 'netns'> = {}): Promise<CommandResult> {
    // A suite's or a person's command: the namespace's own /sys too, unless it says otherwise.
    return this.runner.run(argv, { sysfs: true, ...options, netns: this.namespaceOf(hostName) });
  }

  /** The VIP's URL, as the walkthrough's `curl 192.168.73.120`. */
  get vipUrl(): string {
    const { vip, port } = this.topology.service;
    return `http://${hostPort(vip, port)}/`;
  }

  /**
   * Requests from the client's namespace, one after the other: for a TCP service a GET (a POST
   * with an upload) on a new TCP connection each, for a UDP service a datagram from a new
   * client port each, answered by the real server that got it.
   */
  async request(options: RequestOptions & { url?: string }): Promise<HttpOutcome[]> {
    const url = options.url ?? new URL(options.path ?? '/', this.vipUrl).href;
    const outcomes: HttpOutcome[] = [];
    const sources = options.from === 'all' ? clientAddresses(this.topology) : options.from;
    for (let index = 0; index < options.count; index += 1) {
      const localAddress = sources && sources.length > 0 ? sources[index % sources.length] : undefined;
      outcomes.push(await this.requestOnce(url, options, localAddress));
    }
    return outcomes;
  }

  private requestOnce(url: string, options: RequestOptions, localAddress: string | undefined): Promise<HttpOutcome> {
    const { timeoutMs, fromPort, uploadBytes } = options;
    return this.clientAgent.request(this.topology.service.protocol, url, {
      ...(timeoutMs !== undefined && { timeoutMs }),
      ...(fromPort !== undefined && { localPort: fromPort }),
      ...(localAddress !== undefined && { localAddress }),
      ...(uploadBytes !== undefined && { uploadBytes }),
    });
  }

  /**
   * Opens a long-lived flow to the VIP (a TCP connection kept alive, or a UDP client port) and
   * makes its first request; ask it again after a change to see what the change did to it.
   * Throws when the first request gets no answer: a flow that never opened shows nothing.
   */
  async openFlow(options: FlowOptions = {}): Promise<LongFlow> {
    const { vip, port, protocol } = this.topology.service;
    const first = await this.clientAgent.openFlow(
      { protocol, address: vip, port, path: options.path ?? '/' },
      { ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }), ...(options.fromPort !== undefined && { localPort: options.fromPort }), ...(options.fromAddress !== undefined && { localAddress: options.fromAddress }) },
    );
    if (!first.ok || first.flow === undefined) throw new Error(`the client could not open a long-lived ${protocol.toUpperCase()} flow to ${vip}:${port}: ${first.error}`);
    return new LongFlow(this.clientAgent, { ...first, flow: first.flow });
  }

  /**
   * Sends a UDP broadcast from the client that every uplink on the segment sees; returns its
   * source port, which names it in a capture.
   */
  async sendBroadcastMarker(port = 9): Promise<number> {
    const outcome = await this.clientAgent.sendDatagram(segmentBroadcast(this.topology), port, `lvs-harness marker ${this.runId}`);
    if (!outcome.ok || outcome.localPort === undefined) throw new Error(`the client could not send a broadcast marker: ${outcome.error}`);
    return outcome.localPort;
  }

  /** A director's IPVS table (the first director's by default), as `ipvsadm -Ln` prints it. */
  async ipvsTable(flags: string[] = [], directorName = this.director.name): Promise<string> {
    return (await this.exec(directorName, ['ipvsadm', '-Ln', ...flags])).stdout;
  }

  /**
   * Leaves the cluster running after this process ends (`lvs-harness up`): the run's record
   * says so, and `lvs-harness down` (or stopRun) removes it later. Only a cluster built with
   * `detachable` has servers that survive this process.
   */
  async detach(): Promise<void> {
    const record = await findRun(this.runId);
    if (!record) throw new Error(`run ${this.runId} has no record under ${registryFolder()}`);
    // The journal dies with this process: keep the build's commands for a later bundle.
    await writeFile(join(this.runDir, BUILD_JOURNAL_FILE), JSON.stringify(this.buildCommands));
    await this.clientAgent.stop();
    await saveRun({ ...record, detached: true });
    this.undo.release();
  }

  /** Tears everything down, last made first. Safe to call twice. */
  async stop(): Promise<void> {
    const failures = await this.undo.unwind();
    if (failures.length > 0) {
      throw new AggregateError(
        failures.map((failure) => failure.error),
        `teardown of run ${this.runId} failed: ${failures.map((failure) => `${failure.label}: ${String((failure.error as Error)?.message ?? failure.error)}`).join('; ')}`,
      );
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
