// `lvs-harness up FILE`: build a cluster and keep it, to poke at it with the other commands.
import { topologyShares } from '../../topology/topology.js';
import { resolve } from 'node:path';
import { buildCluster } from '../../cluster/build-cluster.js';
import { toolsNeeded } from '../../plan/tools-needed.js';
import { loadTopologyFile } from '../../topology/load-topology.js';
import type { Subcommand } from '../shared/command.js';
import { UsageError } from '../shared/exit-codes.js';
import { inChosenKernel } from '../shared/in-chosen-kernel.js';
import { parseOptions, splitAtDoubleDash } from '../shared/parse-options.js';
import { say } from '../shared/say.js';
import { guestOptions, guestOptionsHelp, guestSettings } from '../shared/guest-options.js';
import { inGuest as runsInGuest } from '../../kernel/guest-identity.js';

export const upCommand: Subcommand = {
  name: 'up',
  summary: 'build a cluster and keep it up (on this kernel), or open a shell with it (inside UML)',
  help: `Usage: lvs-harness up FILE [options] [-- COMMAND [ARG...]]

Builds the cluster FILE describes and keeps it:
- on a kernel that can host it, up returns and leaves the cluster running; its record in
  /run/lvs-harness says what belongs to it, and lvs-harness down removes it;
- inside User-Mode Linux, up opens a shell in that kernel with the cluster up ($SHELL or
  /bin/sh); leaving the shell tears the cluster down.
With a COMMAND, up runs it with the cluster up (LVS_HARNESS_RUN names the run), then tears
the cluster down and exits with the command's exit code.

The other commands work on the live cluster: request, status, exec, capture, doctor,
bundle, down.

${guestOptionsHelp}`,
  async run(args) {
    const { before, after } = splitAtDoubleDash(args);
    const { values, positionals } = parseOptions('up', before, guestOptions);
    if (values.help) return console.log(this.help), 0;
    if (positionals.length !== 1) throw new UsageError('up: give exactly one topology FILE (lvs-harness up FILE)');
    const file = resolve(positionals[0]!);
    const topology = await loadTopologyFile(file);
    return inChosenKernel(['up', file, ...(after.length > 0 ? ['--', ...after] : [])], async () => {
      const inGuest = runsInGuest();
      const keep = after.length === 0 && !inGuest;
      say(`building ${topology.name} from ${file}`);
      // A cluster that does not settle is still there to poke at: up reports it and keeps it.
      const cluster = await buildCluster(topology, { detachable: keep, tolerateUnsettled: true, onProgress: (line) => say(`  ${line}`) });
      if (keep) {
        await cluster.detach();
        console.log(`run ${cluster.runId} is up: ${topology.hosts.map((host) => `${host.name} in ${cluster.namespaceOf(host.name)}`).join(', ')}`);
        console.log(`try: lvs-harness request --count 4; lvs-harness status; lvs-harness doctor; lvs-harness down`);
        return 0;
      }
      try {
        const command = after.length > 0 ? after : [process.env.SHELL ?? '/bin/sh'];
        say(`run ${cluster.runId} is up; running ${command.join(' ')} (the cluster goes down when it exits)`);
        return await cluster.runner.runInteractive(command, { env: { ...process.env, LVS_HARNESS_RUN: cluster.runId } as Record<string, string> });
      } finally {
        await cluster.stop();
        say(`tore down run ${cluster.runId}`);
      }
    }, { ...guestSettings('up', values), extraMounts: topologyShares(file, topology) }, toolsNeeded(topology));
  },
};
