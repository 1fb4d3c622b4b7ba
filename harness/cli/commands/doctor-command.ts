// `lvs-harness doctor`: the known LVS-TUN pitfalls in a live cluster, why each breaks the
// tunnel, and the command that fixes it.
import { diagnoseCluster, formatFindings } from '../../doctor/diagnose.js';
import { readClusterState } from '../../doctor/read-cluster-state.js';
import type { Subcommand } from '../shared/command.js';
import { EXIT_ASSERTION_FAILED, EXIT_OK } from '../shared/exit-codes.js';
import { parseOptions } from '../shared/parse-options.js';
import { liveRunFrom, runOption, runOptionHelp } from './live-run-option.js';

export const doctorCommand: Subcommand = {
  name: 'doctor',
  summary: 'read a live cluster and report the known LVS-TUN pitfalls, with fixes',
  help: `Usage: lvs-harness doctor [--run ID] [--json]

Reads every host's links, addresses and sysctls and the director's IPVS table, and reports
each known pitfall: effective rp_filter on a real server's tunl0, arp_ignore and
arp_announce on real servers, tunl0 missing or down, the VIP missing on a real server or
the director, the director's ip_forward and send_redirects, an IPVS table that differs from
the topology. Exits 1 when it finds any.

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
