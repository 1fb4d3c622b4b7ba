// The assertions `lvs-harness check` runs on a built cluster, in order: round-robin, the TUN
// contract from captures, and the doctor's reading of the kernel state. Each ends as a Verdict.
import { release } from 'node:os';
import type { Cluster } from '../cluster/cluster.js';
import { runDoctor } from '../doctor/doctor.js';
import { formatFindings, type Finding } from '../doctor/diagnose.js';
import type { ConnectionVerdict } from '../verdicts/index.js';
import { checkDistribution, defaultConnections } from './distribution-check.js';
import { distributionProperty } from '../verdicts/distribution.js';
import { checkTunContract } from './tun-contract-check.js';
import type { Verdict } from '../verdicts/verdict.js';
import type { HttpOutcome } from '../traffic/http-outcome.js';
import type { AssertionName } from '../topology/topology.js';
import { runFailoverChecks } from '../failover/failover-checks.js';
import { currentGuest } from '../kernel/guest-identity.js';
import { runningKernelLabel } from '../kernel/placements.js';

export { ASSERTION_NAMES as ASSERTIONS, type AssertionName } from '../topology/topology.js';

/** How long one connection of a check's batch waits for its answer. */
const REQUEST_TIMEOUT_MS = 2_000;

export interface CheckReport {
  topology: string;
  source?: string;
  runId: string;
  kernel: string;
  passed: boolean;
  verdicts: Verdict[];
  findings: Finding[];
  /** Settings the doctor mentions that LVS-TUN works without: printed, never failing. */
  notes: Finding[];
  connections: ConnectionVerdict[];
  captureFolder?: string;
}

export interface CheckOptions {
  assertions?: readonly AssertionName[];
  connections?: number;
  keepCaptures?: boolean;
  onProgress?: (message: string) => void;
}

/** Runs the chosen assertions on the cluster; never throws for a failed one. */
export async function runChecks(cluster: Cluster, options: CheckOptions = {}): Promise<CheckReport> {
  const wanted = new Set(options.assertions ?? cluster.topology.assertions);
  // Enough for the topology's scheduler, weights and client addresses, unless asked otherwise.
  const connections = options.connections ?? defaultConnections(cluster.topology);
  const progress = options.onProgress ?? (() => {});
  const report: CheckReport = {
    topology: cluster.topology.name,
    source: cluster.topology.source,
    runId: cluster.runId,
    kernel: `${runningKernelLabel(currentGuest())} ${release()}`,
    passed: true,
    verdicts: [],
    findings: [],
    notes: [],
    connections: [],
  };
  // A cluster that did not settle (tolerated by check's build) is a finding, before any other.
  for (const entry of cluster.unsettled) report.verdicts.push({ property: 'cluster settled', ok: false, message: `${entry.what}: ${entry.detail}` });
  // Asked for, the doctor reads while the captures start and the traffic runs: its reads make no
  // packets, the settings it judges are not the traffic's to change, and inside User-Mode Linux
  // processes side by side keep the guest's CPU busy that each alone leaves idle. A failed read
  // is the doctor's verdict below.
  const early = wanted.has('doctor') ? runDoctor(cluster) : undefined;
  early?.catch(() => {});
  // round-robin is the walkthrough's name for the rr case of the same assertion.
  const distribution = wanted.has('distribution') || wanted.has('round-robin');
  const property = distributionProperty(cluster.topology.service.scheduler, cluster.topology.service.persistence !== undefined);
  // The distribution's verdict, and the connections it made (none when it could not be judged).
  const judgeDistribution = async (): Promise<{ verdict: Verdict; outcomes: HttpOutcome[] }> => {
    let outcomes: HttpOutcome[] = [];
    const verdict = await judged(property, async () => {
      const check = await checkDistribution(cluster, { connections, timeoutMs: REQUEST_TIMEOUT_MS });
      outcomes = check.outcomes;
      return check.verdict;
    });
    return { verdict, outcomes };
  };
  let distributionVerdict: Verdict | undefined;
  if (wanted.has('tun-contract')) {
    // One batch of connections serves both: the distribution judged by who answered, the TUN
    // contract by the captures of the same connections.
    progress(
      distribution
        ? `distribution (${cluster.topology.service.scheduler}) and TUN contract: ${connections} connections to ${cluster.vipUrl}, captured at every host`
        : `TUN contract: capturing ${connections} connections at every host`,
    );
    const tunVerdict = await judged('TUN contract', async () => {
      const check = await checkTunContract(cluster, {
        connections,
        keepCaptures: options.keepCaptures,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        ...(distribution && {
          traffic: async () => {
            const judgedDistribution = await judgeDistribution();
            distributionVerdict = judgedDistribution.verdict;
            return judgedDistribution.outcomes;
          },
        }),
      });
      report.connections = check.connections;
      report.captureFolder = check.captureFolder;
      return check.verdict;
    });
    // The capture could not start: the distribution is judged on connections of its own.
    if (distribution) report.verdicts.push(distributionVerdict ?? (await judgeDistribution()).verdict);
    report.verdicts.push(tunVerdict);
  } else if (distribution) {
    progress(`distribution (${cluster.topology.service.scheduler}): ${connections} connections to ${cluster.vipUrl}`);
    report.verdicts.push((await judgeDistribution()).verdict);
  }
  // The doctor runs whenever the check is broken, asked for or not: a failure needs its cause.
  const failing = report.verdicts.some((verdict) => !verdict.ok);
  if (wanted.has('doctor') || failing) {
    progress('doctor: reading every host\'s kernel state');
    const doctor = await judged('doctor', async () => {
      const diagnosis = await (early ?? runDoctor(cluster));
      report.findings = diagnosis.filter((finding) => finding.severity !== 'note');
      report.notes = diagnosis.filter((finding) => finding.severity === 'note');
      return { property: 'doctor', ok: report.findings.length === 0, message: formatFindings(report.findings, report.notes) };
    });
    // Asked for, it is an assertion; run for a failure's sake, it is evidence printed below.
    if (wanted.has('doctor') || !doctor.ok) report.verdicts.push(doctor);
  }
  // Last: they take a server or a director down and bring it back.
  report.verdicts.push(...(await runFailoverChecks(cluster, wanted, progress)));
  // A configurator daemon is in charge for the whole check: one that died is a failure of its own.
  for (const message of await cluster.exitedConfigurators()) report.verdicts.push({ property: 'configurator running', ok: false, message });
  report.passed = report.verdicts.every((verdict) => verdict.ok);
  return report;
}

/**
 * An assertion's verdict, or, when judging it met something the cluster did (a capture point
 * that cannot be opened, a wait that ran out), a failed verdict saying so: a broken cluster gets
 * verdicts, never a crash.
 */
async function judged(property: string, work: () => Promise<Verdict>): Promise<Verdict> {
  try {
    return await work();
  } catch (error) {
    return { property, ok: false, message: `could not be judged on this cluster: ${(error as Error)?.message ?? String(error)}` };
  }
}

/** The report as a person reads it: one line per assertion, details under a failure. */
export function formatCheckReport(report: CheckReport): string {
  const width = Math.max(...report.verdicts.map((verdict) => verdict.property.length));
  const lines = [`check ${report.topology} (run ${report.runId}, ${report.kernel})`];
  for (const verdict of report.verdicts) {
    const [first, ...rest] = verdict.message.split('\n');
    lines.push(`${verdict.ok ? 'PASS' : 'FAIL'}  ${verdict.property.padEnd(width)}  ${first}`);
    if (!verdict.ok || verdict.property === 'TUN contract' || verdict.property === 'doctor') lines.push(...rest.map((line) => `      ${line}`));
  }
  const failed = report.verdicts.filter((verdict) => !verdict.ok).length;
  lines.push(`result: ${report.passed ? 'passed' : 'FAILED'} (${report.verdicts.length - failed} of ${report.verdicts.length} assertions held)`);
  return lines.join('\n');
}
