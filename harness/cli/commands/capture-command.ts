// `lvs-harness capture HOST [IFACE]`: watch a host's traffic with tcpdump, live.
import { namespaceOf } from '../../plan/cluster-plan.js';
import type { Subcommand } from '../shared/command.js';
import { UsageError } from '../shared/exit-codes.js';
import { parseOptions, splitAtDoubleDash } from '../shared/parse-options.js';
import { liveRunFrom, runOption, runOptionHelp } from './live-run-option.js';

export const captureCommand: Subcommand = {
  name: 'capture',
  summary: "watch a host's traffic in a live cluster with tcpdump",
  help: `Usage: lvs-harness capture [--run ID] HOST [IFACE] [-- TCPDUMP-ARG...]

Runs tcpdump -i IFACE -nn -e (IFACE defaults to eth0; tunl0 on a real server shows the
decapsulated packets) in HOST's namespace until interrupted; arguments after -- go to
tcpdump (for example -c 20, -w FILE, or a filter such as tcp port 80).

${runOptionHelp}`,
  async run(args) {
    const { before, after } = splitAtDoubleDash(args);
    const { values, positionals } = parseOptions('capture', before, runOption);
    if (values.help) return console.log(this.help), 0;
    if (positionals.length < 1 || positionals.length > 2) throw new UsageError('capture: give a HOST and optionally an IFACE (lvs-harness capture HOST [IFACE])');
    const run = await liveRunFrom(values);
    const [host, iface = 'eth0'] = positionals as [string, string?];
    if (!run.plan.hostNamespaces.has(host)) {
      throw new UsageError(`capture: run ${run.record.runId} has no host ${JSON.stringify(host)} (hosts: ${[...run.plan.hostNamespaces.keys()].join(', ')})`);
    }
    return run.runner.runInteractive(['tcpdump', '-i', iface, '-nn', '-e', '-l', ...after], { netns: namespaceOf(run.plan, host) });
  },
};
