// `lvs-harness down`: take a live cluster down completely.
import { stopRun } from '../../cluster/live-run.js';
import type { Subcommand } from '../shared/command.js';
import { parseOptions } from '../shared/parse-options.js';
import { say } from '../shared/say.js';
import { liveRunFrom, runOption, runOptionHelp } from './live-run-option.js';

export const downCommand: Subcommand = {
  name: 'down',
  summary: 'tear down a live cluster (its processes, namespaces, folder and record)',
  help: `Usage: lvs-harness down [--run ID]

Stops every process in the run's namespaces, deletes the namespaces, removes its folder and
its record. Nothing else is touched.

${runOptionHelp}`,
  async run(args) {
    const { values } = parseOptions('down', args, runOption, false);
    if (values.help) return console.log(this.help), 0;
    const run = await liveRunFrom(values);
    await stopRun(run);
    say(`run ${run.record.runId} (${run.record.topology.name}) is down`);
    return 0;
  },
};
