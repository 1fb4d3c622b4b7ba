// The user's own configurators (a script, `ipvsadm-restore < file`, a controller, keepalived
// with the user's keepalived.conf): each runs in its host's namespace under the contract of
// plan/configurator-environment.ts, a one-shot one to completion, a daemon for the life of the
// cluster. Then each director's table is awaited: the topology's rules, or, where the topology
// declares no expectation, a table that has stopped changing.
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AbortError } from 'p-retry';
import { configuratorEnvironment, topologyJson } from '../plan/configurator-environment.js';
import { namespaceOf, type ClusterPlan } from '../plan/cluster-plan.js';
import { ownSysctlsAfterConfigurator, sysctlCommand } from '../plan/render-sysctls.js';
import { describeIpvsTableDifference, ipvsTableDifference, normaliseIpvsRules } from '../kernel-state/ipvs-table-difference.js';
import { readIpvsRules } from '../kernel-state/read-kernel-state.js';
import { CommandError, quoteCommand } from '../process/command-error.js';
import { startManagedProcess, type ManagedProcess } from '../process/managed-process.js';
import type { ProcessRunner } from '../process/process-runner.js';
import { waitFor } from '../process/wait-for.js';
import type { Host } from '../topology/topology.js';

/** How long a director's table must stay the same to count as stable, when no table is expected. */
export const STABLE_FOR_MS = 1_000;

export class Configurators {
  private readonly daemons = new Map<string, ManagedProcess>();
  /** Daemons whose exit the build already reported: not reported again as dying later. */
  private readonly reported = new Set<string>();
  private stopping = false;

  constructor(
    private readonly runner: ProcessRunner,
    private readonly plan: ClusterPlan,
    private readonly runDir: string,
    private readonly detached = false,
  ) {}

  /** The hosts whose configuration is partly a configurator's, real servers first. */
  get hosts(): Host[] {
    const withConfigurator = this.plan.topology.hosts.filter((host) => host.configurator);
    return [...withConfigurator.filter((host) => host.role !== 'director'), ...withConfigurator.filter((host) => host.role === 'director')];
  }

  /**
   * Runs the real servers' configurators, then the directors', and waits for each to be done:
   * a one-shot one to exit 0, a daemon to print its `ready` line, a director's table to come
   * right. Throws with the configurator's own words when one fails, exits early, or does not
   * get there within its timeout; every configurator has ended its part by then (none still
   * starting while the build unwinds).
   */
  async startAll(): Promise<void> {
    const topologyFile = join(this.runDir, 'topology.json');
    await writeFile(topologyFile, topologyJson(this.plan.topology));
    await settleAll(this.hosts.filter((host) => host.role !== 'director').map((host) => this.configure(host, topologyFile)));
    await settleAll(this.hosts.filter((host) => host.role === 'director').map((host) => this.configure(host, topologyFile)));
  }

  private async configure(host: Host, topologyFile: string): Promise<void> {
    const configurator = host.configurator!;
    await this.start(host, topologyFile);
    const daemon = this.daemons.get(host.name);
    try {
      if (daemon && configurator.ready) {
        await daemon.waitForLine(new RegExp(configurator.ready), { timeoutMs: configurator.timeoutSeconds * 1000, awaiting: `${daemon.label} to print a line matching /${configurator.ready}/ (its ready)` });
      }
      if (host.role === 'director' && configurator.sets.includes('ipvs')) await this.waitForTable(host);
    } catch (error) {
      if (daemon && !daemon.running) this.reported.add(host.name);
      throw error;
    }
    await this.applyOwnSettings(host);
  }

  /** The host's own sysctls and commands from the topology, after its configurator: a bug report's break wins. */
  private async applyOwnSettings(host: Host): Promise<void> {
    const netns = namespaceOf(this.plan, host.name);
    const sysctls = ownSysctlsAfterConfigurator(host);
    try {
      if (sysctls.length > 0) await this.runner.run(sysctlCommand(sysctls), { netns });
      for (const argv of host.commands) await this.runner.run(argv, { netns, sysfs: true });
    } catch (error) {
      // Not the configurator's failure: the topology's own settings, and a build error like any host's.
      throw new OwnSettingsError(`${host.name}'s own sysctls and commands, after its configurator: ${(error as Error).message}`, { cause: error });
    }
  }

  private async start(host: Host, topologyFile: string): Promise<void> {
    const configurator = host.configurator!;
    const netns = namespaceOf(this.plan, host.name);
    const env = configuratorEnvironment(this.plan, host, { topologyJson: topologyFile, runDir: this.runDir });
    const logFile = join(this.runDir, `configurator-${host.name}.log`);
    if (configurator.daemon) {
      const daemon = await startManagedProcess(this.runner, configurator.argv, { netns, sysfs: true, label: `the configurator on ${host.name}`, logFile, env, cwd: configurator.cwd, detached: this.detached });
      this.daemons.set(host.name, daemon);
      // A teardown that began while it was starting has not seen it: stop it here.
      if (this.stopping) await this.stopAll();
      return;
    }
    const result = await this.runner.run(configurator.argv, { netns, sysfs: true, env, cwd: configurator.cwd, timeoutMs: configurator.timeoutSeconds * 1000, allowFailure: true });
    await appendFile(logFile, `$ ${quoteCommand(configurator.argv)}\n${result.stdout}${result.stderr}exit ${result.exitCode}\n`);
    if (result.exitCode !== 0) {
      // Its stdout too: a script often says what went wrong there.
      const words = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-20).join('\n');
      throw new CommandError({ argv: configurator.argv, netns, exitCode: result.exitCode, stdout: result.stdout, stderr: words, durationMs: result.durationMs, timedOut: false });
    }
  }

  private async waitForTable(director: Host): Promise<void> {
    const configurator = director.configurator!;
    const reader = { runner: this.runner, netns: namespaceOf(this.plan, director.name) };
    const { service } = this.plan.topology;
    const daemon = this.daemons.get(director.name);
    const awaiting =
      configurator.expect === 'topology'
        ? `the IPVS table of ${director.name} to hold the topology's rules, from ${quoteCommand(configurator.argv)}`
        : `the IPVS table of ${director.name} to stay the same for ${STABLE_FOR_MS} ms, from ${quoteCommand(configurator.argv)}`;
    let stableSince: { rules: string; at: number } | undefined;
    try {
      await waitFor(
        async () => {
          if (daemon && !daemon.running) throw new AbortError(`${daemon.label} exited`);
          const rules = await readIpvsRules(reader);
          if (configurator.expect === 'topology') {
            const difference = describeIpvsTableDifference(director.name, service, ipvsTableDifference(service, rules));
            if (difference) throw new Error(`${difference}\n  the table read last:\n${tableLines(rules)}`);
            return;
          }
          const normalised = normaliseIpvsRules(rules).join('\n');
          if (normalised === '') throw new Error(`the IPVS table of ${director.name} is empty`);
          if (stableSince?.rules !== normalised) stableSince = { rules: normalised, at: Date.now() };
          if (Date.now() - stableSince.at < STABLE_FOR_MS) throw new Error(`the table changed ${Date.now() - stableSince.at} ms ago:\n${tableLines(rules)}`);
        },
        { timeoutMs: configurator.timeoutSeconds * 1000, awaiting },
      );
    } catch (error) {
      if (daemon && !daemon.running) throw await daemon.exitedEarlyError(awaiting);
      throw error;
    }
  }

  /** Every daemon that has exited since the build (not one the build already reported), in its own words: a check fails on each. */
  async exited(): Promise<string[]> {
    const ended = [...this.daemons.entries()].filter(([host, daemon]) => !daemon.running && !this.reported.has(host)).map(([, daemon]) => daemon);
    return Promise.all(ended.map(async (daemon) => `${daemon.label} exited while the cluster was up; its last words:\n${indent(await daemon.lastWords())}`));
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    while (this.daemons.size > 0) {
      const daemons = [...this.daemons.values()];
      this.daemons.clear();
      await Promise.all(daemons.map((daemon) => daemon.stop()));
    }
  }
}

/** A configured host's own settings failed: the topology's, not the configurator's. */
export class OwnSettingsError extends Error {
  override name = 'OwnSettingsError';
}

/** Waits for every one to end, then throws the first failure: none is left running behind a throw. */
async function settleAll(work: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

function tableLines(rules: string): string {
  const lines = normaliseIpvsRules(rules);
  return lines.length > 0 ? indent(lines.join('\n')) : '    (empty)';
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
