// keepalived on every director of a cluster: the configuration written and checked by
// keepalived itself, the daemons started, the wait until the kernel holds what the topology
// says (each director's IPVS table; with VRRP, the VIP on the master alone), and stop, crash
// and restart for failover suites. Owned by the cluster handle and stopped with it.
import { readFile, writeFile } from 'node:fs/promises';
import type { ClusterPlan } from '../plan/cluster-plan.js';
import { namespaceOf } from '../plan/cluster-plan.js';
import { describeIpvsTableDifference, ipvsTableDifference } from '../kernel-state/ipvs-table-difference.js';
import { readIpvsRules } from '../kernel-state/read-kernel-state.js';
import type { ProcessRunner } from '../process/process-runner.js';
import { directorsByPriority, hostsWithRole, type Host } from '../topology/topology.js';
import { explainConfigProblems, keepalivedArgv, keepalivedConfigTestArgv, keepalivedFiles } from './keepalived-command.js';
import { KeepalivedProcess, waitWhileKeepalivedRuns, type KeepalivedStopSignal } from './keepalived-process.js';
import { renderKeepalivedConf } from './render-keepalived-conf.js';
import { directorsHoldingVip } from './vip-holders.js';

/** A line keepalived printed, with when the harness saw it (performance.now()). */
export interface KeepalivedLine {
  director: string;
  line: string;
  at: number;
}

export interface KeepalivedOptions {
  /** Alters a director's keepalived.conf before it is written: how suites break keepalived on purpose. */
  rewriteConfig?: (director: Host, rendered: string) => string;
  /** Daemons that outlive this process (a cluster left up). */
  detached?: boolean;
}

export class KeepalivedConfigError extends Error {
  override name = 'KeepalivedConfigError';
}

const SETTLE_TIMEOUT_MS = 30_000;

export class KeepalivedDirectors {
  private readonly daemons = new Map<string, KeepalivedProcess>();
  private readonly listeners = new Set<(line: KeepalivedLine) => void>();

  constructor(
    private readonly runner: ProcessRunner,
    private readonly plan: ClusterPlan,
    private readonly runDir: string,
    private readonly options: KeepalivedOptions = {},
  ) {}

  get directors(): Host[] {
    return hostsWithRole(this.plan.topology, 'director');
  }

  /** The configuration file a director's keepalived reads. */
  configPath(director: string): string {
    return keepalivedFiles(this.runDir, director).config;
  }

  /**
   * Writes every director's keepalived.conf and has keepalived check each one in the director's
   * namespace (interfaces included): a configuration it rejects fails here, in its own words.
   */
  async writeConfigs(): Promise<void> {
    for (const director of this.directors) {
      const files = keepalivedFiles(this.runDir, director.name);
      const rendered = renderKeepalivedConf(this.plan.topology, director.name, this.plan.uplink);
      const text = this.options.rewriteConfig ? this.options.rewriteConfig(director, rendered) : rendered;
      await writeFile(files.config, text);
      const test = await this.runner.run(keepalivedConfigTestArgv(files), { netns: this.namespaceOf(director.name), allowFailure: true });
      if (test.exitCode !== 0) {
        throw new KeepalivedConfigError(
          `keepalived on ${director.name} rejects its configuration ${files.config} (keepalived --config-test exited with ${test.exitCode}):\n` +
            indent(explainConfigProblems(`${test.stderr}\n${test.stdout}`, text) || '(it printed nothing)'),
        );
      }
    }
  }

  /** Starts every director's keepalived and waits until the kernel holds what the topology says. */
  async startAll(timeoutMs = SETTLE_TIMEOUT_MS): Promise<void> {
    // The master first: a backup claims the VIP only after three advertisement intervals of
    // silence, and by then the master is advertising.
    for (const director of directorsByPriority(this.plan.topology)) await this.start(director.name);
    await this.waitUntilSettled(timeoutMs);
  }

  /** Starts one director's keepalived; it must not be running already. */
  async start(director: string): Promise<void> {
    if (this.daemons.get(director)?.running) throw new Error(`keepalived on ${director} is already running`);
    const files = keepalivedFiles(this.runDir, director);
    const daemon = await KeepalivedProcess.spawn(this.runner, {
      director,
      netns: this.namespaceOf(director),
      argv: keepalivedArgv(files),
      logFile: files.log,
      detached: this.options.detached,
    });
    daemon.onLine((line) => {
      const at = performance.now();
      for (const listener of this.listeners) listener({ director, line, at });
    });
    this.daemons.set(director, daemon);
  }

  /**
   * Waits until every running director's IPVS table equals the topology's rules and, with
   * VRRP, the VIP is on the running director with the highest priority and on no other.
   */
  async waitUntilSettled(timeoutMs = SETTLE_TIMEOUT_MS): Promise<void> {
    const running = [...this.daemons.values()].filter((daemon) => daemon.running);
    const { service } = this.plan.topology;
    const vrrp = this.plan.topology.service.vrrp;
    const master = directorsByPriority(this.plan.topology).find((director) => this.isRunning(director.name));
    const awaiting =
      `the IPVS table of ${running.map((daemon) => daemon.director).join(' and ')} to hold the topology's rules` +
      (vrrp && master ? ` and the VIP to be on ${master.name} alone` : '');
    await waitWhileKeepalivedRuns(
      running,
      async () => {
        for (const daemon of running) {
          const saved = await readIpvsRules({ runner: this.runner, netns: this.namespaceOf(daemon.director) });
          const difference = describeIpvsTableDifference(daemon.director, service, ipvsTableDifference(service, saved));
          if (difference) throw new Error(difference);
        }
        if (vrrp && master) {
          const holders = await directorsHoldingVip(this.runner, this.plan);
          if (holders.length !== 1 || holders[0] !== master.name) {
            throw new Error(`the VIP is on ${holders.join(' and ') || 'no director'}, not on ${master.name} alone`);
          }
        }
      },
      { timeoutMs, awaiting },
    );
  }

  /** True while every director's keepalived runs. */
  allRunning(): boolean {
    return this.directors.every((director) => this.isRunning(director.name));
  }

  isRunning(director: string): boolean {
    return this.daemons.get(director)?.running ?? false;
  }

  /** Stops (SIGTERM) or crashes (SIGKILL) one director's keepalived; harmless if it is not running. */
  async stop(director: string, signal: KeepalivedStopSignal = 'SIGTERM'): Promise<void> {
    await this.daemons.get(director)?.stop(signal);
  }

  /** Stops every keepalived, as the cluster's teardown does. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.daemons.values()].map((daemon) => daemon.stop('SIGTERM')));
  }

  /** Every line any director's keepalived prints from now on, until the returned function is called. */
  onLine(listener: (line: KeepalivedLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A director's keepalived log so far. */
  async log(director: string): Promise<string> {
    return readFile(keepalivedFiles(this.runDir, director).log, 'utf8').catch(() => '');
  }

  private namespaceOf(director: string): string {
    return namespaceOf(this.plan, director);
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
