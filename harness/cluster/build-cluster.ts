// Makes a topology real: namespaces, the bridge and veths, addresses, sysctls, IPVS rules
// (or keepalived, which loads them itself), HTTP servers and the client agent, each step registering its undo before the next starts.
// A build that fails halfway undoes what it did and rethrows the original error.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dir as makeTempDir } from 'tmp-promise';
import { requireTools } from '../process/find-tool.js';
import { toolsNeeded } from '../plan/tools-needed.js';
import { namespaceFile, ProcessRunner } from '../process/process-runner.js';
import { waitFor } from '../process/wait-for.js';
import { hostsWithRole, type Host, type Topology } from '../topology/topology.js';
import { Cluster } from './cluster.js';
import { allNamespaces, namespaceOf, newRunId, planCluster, type ClusterPlan } from '../plan/cluster-plan.js';
import { ClientAgent, clientPortClaims } from './client-agent.js';
import { HttpServerSet } from './http-servers.js';
import { Configurators, OwnSettingsError } from './configurators.js';
import { KeepalivedDirectors } from '../keepalived/keepalived-directors.js';
import { netemCommand, renderHostBatch, renderNamespaceBatch, renderSwitchBatch } from '../plan/render-ip-batches.js';
import { ipvsRuleTokens, ipvsTimeoutTokens, renderIpvsRestore } from '../plan/render-ipvs-rules.js';
import { describeIpvsTableDifference, ipvsTableDifference } from '../kernel-state/ipvs-table-difference.js';
import { readIpvsRules } from '../kernel-state/read-kernel-state.js';
import { netnsSysctlCommand, sysctlsFor } from '../plan/render-sysctls.js';
import { builtProgram, NETNS_SYSCTL } from '../native/native-programs.js';
import { UndoStack } from '../process/undo-stack.js';
import { removeNamespaces } from './remove-namespaces.js';
import { findRun, forgetRun, ownRunRecord, saveRun } from './run-registry.js';

/** The build's steps, in order; a fault can be injected after any of them. */
export const BUILD_STAGES = ['run-folder', 'namespaces', 'links', 'addresses', 'sysctls', 'ipvs', 'host-commands', 'http-servers', 'configurators', 'keepalived', 'client', 'ready'] as const;
export type BuildStage = (typeof BUILD_STAGES)[number];

export interface BuildOptions {
  runner?: ProcessRunner;
  runId?: string;
  /** Called with a line per step, for progress on screen. */
  onProgress?: (message: string) => void;
  /** Keep the run folder (logs, captures) after stop(). */
  keepRunDir?: boolean;
  /** Fail on purpose right after this step: how the cleanup-on-failure tests break a build. */
  injectFailureAfter?: BuildStage;
  readyTimeoutMs?: number;
  /** Start servers so they outlive this process: for a cluster left up (`lvs-harness up`). */
  detachable?: boolean;
  /** Alters a director's keepalived.conf before it is written: how suites break keepalived on purpose. */
  keepalivedConfig?: (director: Host, rendered: string) => string;
  /** How long keepalived may take to load the rules (and, with VRRP, put the VIP on the master). */
  keepalivedTimeoutMs?: number;
  /**
   * A cluster that builds but does not settle (a real server that never answers on its own
   * address, keepalived's table never the topology's) is returned with what was seen instead
   * of failing: `check` judges it, since a broken cluster is what it exists to diagnose.
   */
  tolerateUnsettled?: boolean;
}

/** What a tolerated build saw that a settled cluster would not have: each a finding about the cluster. */
export interface Unsettled {
  what: string;
  detail: string;
}

export interface StageTiming {
  stage: BuildStage;
  ms: number;
}

export class InjectedFailure extends Error {
  override name = 'InjectedFailure';
}

/** Builds the cluster; the returned handle owns everything and must be stopped. */
export async function buildCluster(topology: Topology, options: BuildOptions = {}): Promise<Cluster> {
  // Before the first step: a tool missing halfway would make a build fail for no reason of its own.
  requireTools(toolsNeeded(topology));
  const runner = options.runner ?? new ProcessRunner();
  const plan = planCluster(topology, options.runId ?? newRunId());
  const undo = new UndoStack();
  const progress = options.onProgress ?? (() => {});
  const stageTimings: StageTiming[] = [];
  const unsettled: Unsettled[] = [];
  const stage = async <T>(name: BuildStage, description: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    stageTimings.push({ stage: name, ms: Date.now() - started });
    progress(`${description} (${Date.now() - started} ms)`);
    if (options.injectFailureAfter === name) throw new InjectedFailure(`failure injected after build stage "${name}"`);
    return result;
  };

  try {
    const runDir = await stage('run-folder', 'made the run folder', async () => {
      // The record comes first, so nothing of this run ever exists without an owner on file.
      const record = ownRunRecord(plan.runId, topology, allNamespaces(plan));
      if (await findRun(plan.runId)) throw new Error(`run id ${plan.runId} is already recorded by another run`);
      await saveRun(record);
      undo.push('forget the run', () => forgetRun(plan.runId));
      const folder = await makeTempDir({ prefix: `lvs-harness-${plan.runId}-`, unsafeCleanup: true });
      if (!options.keepRunDir) undo.push('remove the run folder', () => folder.cleanup());
      await saveRun({ ...record, runDir: folder.path });
      return folder.path;
    });
    await stage('namespaces', `created namespaces ${allNamespaces(plan).join(', ')}`, async () => {
      // Never take over (and later delete) a namespace that is not ours: a run id collision,
      // however unlikely, fails here before anything is registered for deletion.
      const taken = allNamespaces(plan).filter((namespace) => existsSync(namespaceFile(namespace)));
      if (taken.length > 0) throw new Error(`namespaces ${taken.join(', ')} already exist: run id ${plan.runId} is in use by another run`);
      undo.push('delete the namespaces', () => removeNamespaces(runner, allNamespaces(plan)));
      await runner.run(['ip', '-batch', '-'], { input: renderNamespaceBatch(plan) });
    });
    // The client agent (a Node.js start) starts now and is awaited at its stage: inside User-Mode
    // Linux a lone process start leaves the guest's CPU idle much of the time (two Node.js starts
    // side by side took 0.45 s, one after the other 1.3 s), so the stages between fill it.
    const client = hostsWithRole(topology, 'client')[0]!;
    const agentStarting = ClientAgent.start(runner, namespaceOf(plan, client.name), { logFile: join(runDir, 'client-agent.log'), portClaims: clientPortClaims(runDir) });
    // Stopped with the rest however the build ends; a start that failed is the client stage's error.
    undo.push('stop the client agent', async () => (await agentStarting.catch(() => undefined))?.stop());
    agentStarting.catch(() => {});
    await stage('links', `joined ${topology.hosts.length} hosts to bridge ${plan.bridge}`, () =>
      runner.run(['ip', '-n', plan.switchNamespace, '-batch', '-'], { input: renderSwitchBatch(plan) }),
    );
    await stage('addresses', 'set addresses, the VIP, tunl0 and link impairments', () =>
      Promise.all(
        topology.hosts.map(async (host) => {
          await runner.run(['ip', '-n', namespaceOf(plan, host.name), '-batch', '-'], { input: renderHostBatch(plan, host) });
          const netem = netemCommand(plan, host);
          if (netem) await runner.run(netem);
        }),
      ),
    );
    await stage('sysctls', 'applied sysctls', async () => {
      // One process for every host (it enters each namespace in turn), not two per host.
      const groups = topology.hosts
        .map((host) => ({ netnsFile: namespaceFile(namespaceOf(plan, host.name)), settings: sysctlsFor(host, plan.uplink, topology.service.tunnel.type) }))
        .filter(({ settings }) => settings.length > 0);
      if (groups.length > 0) await runner.run(netnsSysctlCommand(await builtProgram(NETNS_SYSCTL), groups));
    });
    const keepalived =
      topology.service.rulesFrom === 'keepalived'
        ? new KeepalivedDirectors(runner, plan, runDir, { rewriteConfig: options.keepalivedConfig, detached: options.detachable })
        : undefined;
    await stage(
      'ipvs',
      keepalived
        ? "wrote each director's keepalived.conf, and keepalived --config-test accepts it"
        : topology.service.rulesFrom === 'configurator'
          ? "left the IPVS rules to the director's configurator"
          : topology.service.rulesFrom === 'ipvsadm-restore'
            ? 'loaded the IPVS rules with ipvsadm -R (what ipvsadm-restore runs)'
            : `loaded the IPVS rules with ${topology.service.rulesFrom}`,
      // keepalived starts only once the real servers answer its health checks (stage keepalived);
      // a configurator, for the same reason, once the HTTP servers run (stage configurators).
      async () => {
        if (keepalived) await keepalived.writeConfigs();
        else if (topology.service.rulesFrom !== 'configurator') await loadIpvsRules(runner, plan);
        // keepalived sets them itself (lvs_timeouts); otherwise every director gets them here.
        const timeouts = ipvsTimeoutTokens(topology.service);
        if (timeouts && !keepalived) {
          for (const director of hostsWithRole(topology, 'director')) await runner.run(['ipvsadm', ...timeouts], { netns: namespaceOf(plan, director.name) });
        }
      },
    );
    await stage('host-commands', 'ran the hosts\' extra commands', async () => {
      // A host with a configurator runs its commands after it (stage configurators): they break what it made.
      for (const host of topology.hosts.filter((candidate) => !candidate.configurator)) {
        for (const argv of host.commands) await runner.run(argv, { netns: namespaceOf(plan, host.name), sysfs: true });
      }
    });
    const httpServers = new HttpServerSet(runner, plan, runDir, options.detachable);
    await stage('http-servers', 'started the HTTP servers', async () => {
      undo.push('stop the HTTP servers', () => httpServers.stopAll());
      await Promise.all(hostsWithRole(topology, 'real-server').map((host) => httpServers.start(host.name)));
    });
    const configurators = new Configurators(runner, plan, runDir, options.detachable);
    await stage(
      'configurators',
      configurators.hosts.length > 0 ? `ran the configurators of ${configurators.hosts.map((host) => host.name).join(', ')}` : 'no configurators: the harness configured every host',
      async () => {
        if (configurators.hosts.length === 0) return;
        undo.push('stop the configurators', () => configurators.stopAll());
        try {
          await configurators.startAll();
        } catch (error) {
          // The user's tool failing, exiting, or leaving the table wrong is the cluster's finding;
          // the topology's own settings failing after it is a build error, as on any host.
          if (!options.tolerateUnsettled || error instanceof OwnSettingsError) throw error;
          unsettled.push({ what: 'a configurator did not set up its host', detail: (error as Error).message });
        }
      },
    );
    await stage(
      'keepalived',
      keepalived
        ? `started keepalived on ${keepalived.directors.map((director) => director.name).join(', ')}; the IPVS table holds the topology's rules${topology.service.vrrp ? ' and the VIP is on the VRRP master' : ''}`
        : 'no keepalived: the rules came from ' + topology.service.rulesFrom,
      async () => {
        if (!keepalived) return;
        undo.push('stop keepalived', () => keepalived.stopAll());
        try {
          await keepalived.startAll(options.keepalivedTimeoutMs);
        } catch (error) {
          // A keepalived that exited is the harness's to report; one that runs but never fills the table is the cluster's.
          if (!options.tolerateUnsettled || !keepalived.allRunning()) throw error;
          unsettled.push({ what: 'keepalived did not settle', detail: (error as Error).message });
        }
      },
    );
    const agent = await stage('client', 'started the client agent', () => agentStarting);
    await stage('ready', 'every real server answers on its own address', async () => {
      const waits = await Promise.allSettled(
        hostsWithRole(topology, 'real-server').map((host) => waitUntilAnswering(agent, host, options.readyTimeoutMs ?? (options.tolerateUnsettled ? 10_000 : 30_000))),
      );
      const failed = waits.flatMap((wait) => (wait.status === 'rejected' ? [wait.reason as Error] : []));
      if (failed.length > 0 && !options.tolerateUnsettled) throw failed[0];
      for (const error of failed) unsettled.push({ what: 'a real server does not answer on its own address', detail: error.message });
    });
    for (const entry of unsettled) progress(`not settled: ${entry.what}: ${entry.detail.split('\n')[0]}`);
    return new Cluster(plan, runner, runDir, agent, undo, stageTimings, { httpServers, keepalived, configurators, unsettled });
  } catch (error) {
    const failures = await undo.unwind();
    for (const failure of failures) {
      process.stderr.write(`lvs-harness: while undoing a failed build, could not ${failure.label}: ${String((failure.error as Error)?.message ?? failure.error)}\n`);
    }
    throw error;
  }
}

async function loadIpvsRules(runner: ProcessRunner, plan: ClusterPlan): Promise<void> {
  const director = hostsWithRole(plan.topology, 'director')[0]!;
  const netns = namespaceOf(plan, director.name);
  const { service } = plan.topology;
  if (service.rulesFrom === 'ipvsadm') {
    for (const tokens of ipvsRuleTokens(service)) await runner.run(['ipvsadm', ...tokens], { netns });
  } else {
    // Debian's ipvsadm-restore is a bash script: `ipvsadm -C`, then its input without '#' lines
    // into `ipvsadm -R`. The namespace is new (its table empty) and the rules carry no comments,
    // so `ipvsadm -R` alone loads the same table, without the bash, grep and -C starts (about
    // 100 ms inside UML).
    await runner.run(['ipvsadm', '-R'], { netns, input: renderIpvsRestore(service) });
  }
  // The kernel's table, not our intent, is what the client meets: check they agree.
  const difference = describeIpvsTableDifference(director.name, service, ipvsTableDifference(service, await readIpvsRules({ runner, netns })));
  if (difference) throw new Error(difference);
}

async function waitUntilAnswering(agent: ClientAgent, host: Host, timeoutMs: number): Promise<void> {
  const url = `http://${host.address}:${host.http!.port}/`;
  await waitFor(
    async () => {
      const outcome = await agent.get(url, 2_000);
      if (!outcome.ok) throw new Error(outcome.error);
    },
    { timeoutMs, awaiting: `${host.name}'s HTTP server to answer the client on its own address ${url}` },
  );
}
