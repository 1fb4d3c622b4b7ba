// `lvs-harness doctor`: the known LVS-TUN pitfalls in a live cluster, why each breaks the
// tunnel, and the command that fixes it.
import { diagnoseCluster, formatFindings, PITFALL_SUMMARIES } from '../../doctor/diagnose.js';
import { readClusterState } from '../../doctor/read-cluster-state.js';
import type { Subcommand } from '../shared/command.js';
import { EXIT_ASSERTION_FAILED, EXIT_OK } from '../shared/exit-codes.js';
import { parseOptions } from '../shared/parse-options.js';
import { liveRunFrom, runOption, runOptionHelp } from './live-run-option.js';

export const doctorCommand: Subcommand = {
  name: 'doctor',
  summary: 'read a live cluster and report the known LVS-TUN pitfalls, with fixes',
  help: `Usage: lvs-harness doctor [--run ID] [--json]

Reads every host's links, addresses, sysctls and (on real servers) the reply route, and each
director's IPVS table, and reports each known pitfall with why it breaks LVS-TUN and the
command that fixes it:
${Object.entries(PITFALL_SUMMARIES).map(([pitfall, summary]) => `  ${pitfall.padEnd(27)} ${summary}`).join('\n')}
Exits 1 when it finds any pitfall; notes are printed and do not fail.

${runOptionHelp}
  --json        print the findings as JSON`,
  async run(args) {
    const { values } = parseOptions('doctor', args, { ...runOption, json: { type: 'boolean' } }, false);
    if (values.help) return console.log(this.help), 0;
    const { plan, runner } = await liveRunFrom(values);
    const findings = diagnoseCluster(plan.topology, await readClusterState(runner, plan));
    console.log(values.json ? JSON.stringify(findings, null, 2) : formatFindings(findings));
    // Notes (settings LVS-TUN works without) are printed, never failing.
    return findings.every((finding) => finding.severity === 'note') ? EXIT_OK : EXIT_ASSERTION_FAILED;
  },
};
