// `lvs-harness check FILE`: build the cluster a file describes, run the assertions, print a
// report per property with the evidence, tear down. Exit 0 all held, 1 one failed, 2 could not run.
import { constants } from 'node:fs';
import { access, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { buildCluster } from '../../cluster/build-cluster.js';
import { ASSERTIONS, formatCheckReport, runChecks, type AssertionName } from '../../checks/run-checks.js';
import { checkReportJson } from '../../checks/check-report-json.js';
import { renderJunitReport } from '../../checks/junit-report.js';
import { writeBundle } from '../../bundle/write-bundle.js';
import { toolsNeeded } from '../../plan/tools-needed.js';
import { loadTopologyFile } from '../../topology/load-topology.js';
import { DEFAULT_ASSERTIONS, topologyShares } from '../../topology/topology.js';
import type { Subcommand } from '../shared/command.js';
import { EXIT_ASSERTION_FAILED, EXIT_OK, UsageError } from '../shared/exit-codes.js';
import { EnvironmentError } from '../../kernel/environment-error.js';
import { inChosenKernel } from '../shared/in-chosen-kernel.js';
import { parseOptions, wholeNumber } from '../shared/parse-options.js';
import { say } from '../shared/say.js';
import { guestOptions, guestOptionsHelp, guestSettingsPerKernel } from '../shared/guest-options.js';
import { runKernelMatrix } from './check-matrix.js';

export const checkCommand: Subcommand = {
  name: 'check',
  summary: 'build a topology, run its assertions, report per property, tear down',
  help: `Usage: lvs-harness check FILE [options]

Builds the cluster FILE describes in the chosen kernel, runs the assertions and prints a
report per property with its evidence, then tears the cluster down:
  distribution   N connections to the VIP from every client address in turn; every one
                 answered, each by the real server the scheduler's rule gives (rr: taking
                 turns in the kernel's order; wrr: its weighted order; lc, wlc, sed, nq, fo,
                 ovf: by the director's counters; sh: by source hash; mh, dh, lblc, lblcr:
                 one real server per key; persistence: one per client network); named
                 round-robin for plain rr, and --assert round-robin is the same assertion
  tun-contract   the same N connections captured with tcpdump at every host and judged on
                 the five LVS-TUN properties (failing captures are kept and named)
  doctor         the hosts' kernel state read against the known LVS-TUN pitfalls

  --assert LIST       comma-separated subset of: ${ASSERTIONS.join(', ')} (default: the
                      file's assertions, or ${DEFAULT_ASSERTIONS.join(', ')})
  --connections N     connections per assertion (default: from the topology, two cycles of
                      the scheduler's turns, each client address twice, at least 8)
  --keep-captures     keep the captures even when the contract holds
  --bundle OUT        also write a bundle (.tar.gz) with everything needed to replay and read
  --json              print the report as JSON (schemaVersion 1, described by the JSON
                      Schema schemas/check-report.v1.schema.json)
  --junit FILE        also write the report as JUnit XML to FILE, a test case per assertion
                      (written whenever there is a report, passed or failed; FILE's folder
                      must exist)
${guestOptionsHelp}

A kernel matrix: --kernel twice or more (lvs-harness check FILE --kernel debian:6.1 --kernel
debian:6.12) runs the same check in each kernel, one after the other, and prints one table,
a row per property and a column per kernel with its release (--json: every kernel's report).

Exit codes: 0 every assertion held, 1 one failed, 2 bad input or environment (in a matrix:
2 when a kernel could not run its check, else 1 when one failed).`,
  async run(args) {
    const { values, positionals } = parseOptions('check', args, {
      ...guestOptions,
      json: { type: 'boolean' },
      connections: { type: 'string' },
      'keep-captures': { type: 'boolean' },
      bundle: { type: 'string' },
      assert: { type: 'string' },
      junit: { type: 'string' },
    });
    if (values.help) return console.log(this.help), 0;
    if (positionals.length !== 1) throw new UsageError('check: give exactly one topology FILE (lvs-harness check FILE)');
    const file = resolve(positionals[0]!);
    const connections = values.connections === undefined ? undefined : wholeNumber('check', 'connections', values.connections, 8);
    const bundle = values.bundle === undefined ? undefined : resolve(values.bundle);
    // Refused before anything is built: a report lost at the end would waste the whole run.
    const junit = values.junit === undefined ? undefined : await writableFile('junit', values.junit);
    const topology = await loadTopologyFile(file);
    // The file says which assertions it wants; --assert overrides it.
    const assertions = values.assert === undefined ? topology.assertions : parseAssertions(values.assert);

    const again = ['check', file, ...(connections === undefined ? [] : ['--connections', String(connections)]), '--assert', assertions.join(',')];
    if (values.json) again.push('--json');
    if (values['keep-captures']) again.push('--keep-captures');
    if (bundle) again.push('--bundle', bundle);
    if (junit) again.push('--junit', junit);
    const { settings: shared, kernels } = guestSettingsPerKernel('check', values);
    if (kernels.length > 1) {
      if (bundle || junit) throw new UsageError('check: --bundle and --junit take one kernel; a matrix of kernels (--kernel twice or more) prints its table or --json');
      const forwarded = [...(values.modules ? ['--modules', values.modules] : []), ...(values.mem ? ['--mem', values.mem] : []), ...(values.timeout ? ['--timeout', values.timeout] : []), ...(values.writable ?? []).flatMap((folder) => ['--writable', folder])];
      return runKernelMatrix({ topologyName: topology.name, checkArgs: [...again.filter((arg) => arg !== '--json'), ...forwarded], kernels: kernels.map((kernel) => kernel.text), json: values.json === true });
    }
    const settings = { ...shared, kernelName: kernels[0]?.name };
    // The guest sees the host read-only but for the folders the check writes into.
    const outputFolders = [bundle, junit].filter((path) => path !== undefined).map((path) => dirname(path));
    const guest = { ...settings, writableFolders: [...(settings.writableFolders ?? []), ...outputFolders], extraMounts: topologyShares(file, topology) };

    return inChosenKernel(again, async () => {
      say(`building ${topology.name} from ${file}`);
      if (topology.report) say(`it reproduces ${topology.report.url}: ${topology.report.symptom.split('\n')[0]}`);
      // A broken cluster is what check diagnoses: one that builds but does not settle is judged, not refused.
      const cluster = await buildCluster(topology, { tolerateUnsettled: true, onProgress: (line) => say(`  ${line}`) });
      try {
        // A bundle carries the captures, so they are kept at least until it is written.
        const keepCaptures = values['keep-captures'] === true || bundle !== undefined;
        const startedAt = new Date();
        const report = await runChecks(cluster, { assertions, connections, keepCaptures, onProgress: say });
        const durationMs = Date.now() - startedAt.getTime();
        console.log(values.json ? JSON.stringify(checkReportJson(report), null, 2) : formatCheckReport(report));
        if (junit) {
          await writeFile(junit, renderJunitReport(report, { startedAt, durationMs })).catch((error: Error) => {
            throw new EnvironmentError(`could not write the JUnit report to ${junit}: ${error.message}`);
          });
          say(`JUnit report written: ${junit}`);
        }
        if (bundle) {
          say('writing the bundle');
          const written = await writeBundle(bundle, {
            plan: cluster.plan,
            runner: cluster.runner,
            buildCommands: cluster.buildCommands,
            runDir: cluster.runDir,
            report,
            captureFolder: report.captureFolder,
          });
          say(`bundle written: ${written}`);
          if (report.passed && !values['keep-captures'] && report.captureFolder) await rm(report.captureFolder, { recursive: true, force: true });
        }
        return report.passed ? EXIT_OK : EXIT_ASSERTION_FAILED;
      } finally {
        await cluster.stop();
        say(`tore down run ${cluster.runId}`);
      }
    }, guest, toolsNeeded(topology, assertions));
  },
};

/** The absolute path of a file `--OPTION` names, or a usage error naming it when the file cannot be written there. */
async function writableFile(option: string, path: string): Promise<string> {
  const file = resolve(path);
  const problem = await whyNotWritable(file);
  if (problem) throw new UsageError(`check: --${option} ${file}: ${problem}`);
  return file;
}

async function whyNotWritable(file: string): Promise<string | undefined> {
  const folder = dirname(file);
  const folderStat = await stat(folder).catch((error: NodeJS.ErrnoException) => error);
  if (folderStat instanceof Error) {
    return folderStat.code === 'ENOENT' ? `its folder ${folder} does not exist (create it first)` : `its folder ${folder} cannot be used (${folderStat.code ?? folderStat.message})`;
  }
  if (!folderStat.isDirectory()) return `${folder} is not a folder`;
  const fileStat = await stat(file).catch(() => undefined);
  if (fileStat?.isDirectory()) return 'is a folder, not a file';
  const target = fileStat ? file : folder;
  return access(target, constants.W_OK).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => `${target} is not writable (${error.code ?? error.message})`,
  );
}

function parseAssertions(text: string): AssertionName[] {
  const names = text.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(ASSERTIONS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`check: --assert takes ${ASSERTIONS.join(', ')}; got ${JSON.stringify(text)}`);
  }
  return names as AssertionName[];
}
