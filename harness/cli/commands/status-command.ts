// `lvs-harness status`: the live cluster's IPVS table with counters, and each host's addresses
// and routes.
import { namespaceOf } from '../../plan/cluster-plan.js';
import type { Subcommand } from '../shared/command.js';
import { parseOptions } from '../shared/parse-options.js';
import { liveRunFrom, runOption, runOptionHelp } from './live-run-option.js';

export const statusCommand: Subcommand = {
  name: 'status',
  summary: "a live cluster's IPVS table with counters, addresses and routes per host",
  help: `Usage: lvs-harness status [--run ID]

${runOptionHelp}`,
  async run(args) {
    const { values } = parseOptions('status', args, runOption, false);
    if (values.help) return console.log(this.help), 0;
    const { record, plan, runner } = await liveRunFrom(values);
    console.log(`run ${record.runId}: ${record.topology.name}, ${record.detached ? 'left up' : `owned by pid ${record.ownerPid}`}, since ${record.createdAt}`);
    for (const host of plan.topology.hosts) {
      const netns = namespaceOf(plan, host.name);
      console.log(`\n## ${host.name} (${host.role}, namespace ${netns})`);
      if (host.role === 'director') console.log((await runner.run(['ipvsadm', '-Ln', '--stats', '--exact'], { netns })).stdout.trimEnd());
      console.log((await runner.run(['ip', '-br', '-n', netns, 'addr', 'show'])).stdout.trimEnd());
      console.log((await runner.run(['ip', '-n', netns, 'route', 'show'])).stdout.trimEnd());
    }
    return 0;
  },
};
