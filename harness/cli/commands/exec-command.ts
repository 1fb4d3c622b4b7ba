// `lvs-harness exec HOST -- CMD`: run a command inside one host of a live cluster.
import { namespaceOf } from '../../plan/cluster-plan.js';
import type { Subcommand } from '../shared/command.js';
import { UsageError } from '../shared/exit-codes.js';
import { parseOptions, splitAtDoubleDash } from '../shared/parse-options.js';
import { liveRunFrom, runOption, runOptionHelp } from './live-run-option.js';

export const execCommand: Subcommand = {
  name: 'exec',
  summary: 'run a command inside one host of a live cluster',
  help: `Usage: lvs-harness exec [--run ID] HOST -- COMMAND [ARG...]

Runs COMMAND in HOST's network namespace with this terminal; exits with its exit code.
Example: lvs-harness exec web1 -- sysctl net.ipv4.conf.tunl0.rp_filter

${runOptionHelp}`,
  async run(args) {
    const { before, after } = splitAtDoubleDash(args);
    const { values, positionals } = parseOptions('exec', before, runOption);
    if (values.help) return console.log(this.help), 0;
    if (positionals.length !== 1 || after.length === 0) throw new UsageError('exec: give a HOST and a command (lvs-harness exec HOST -- COMMAND [ARG...])');
    const run = await liveRunFrom(values);
    const host = positionals[0]!;
    if (!run.plan.hostNamespaces.has(host)) {
      throw new UsageError(`exec: run ${run.record.runId} has no host ${JSON.stringify(host)} (hosts: ${[...run.plan.hostNamespaces.keys()].join(', ')})`);
    }
    return run.runner.runInteractive(after, { netns: namespaceOf(run.plan, host) });
  },
};
