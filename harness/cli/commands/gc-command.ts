// `lvs-harness gc`: remove what crashed runs left behind, and nothing a live run owns.
import { collectGarbage, findGarbage } from '../../cluster/collect-garbage.js';
import { requireRoot } from '../../kernel/choose-kernel.js';
import { collectGuestGarbage, findGuestGarbage } from '../../kernel/guest-exchange-garbage.js';
import type { Subcommand } from '../shared/command.js';
import { parseOptions } from '../shared/parse-options.js';

export const gcCommand: Subcommand = {
  name: 'gc',
  summary: 'remove what crashed runs left behind (never what a live run owns)',
  help: `Usage: lvs-harness gc [--dry-run] [--json]

A run is live while the process that built it runs, or when lvs-harness up left it up. For
every other run, gc kills the processes in its namespaces, deletes the namespaces, removes
its folders and its record. Captures kept on purpose (their folder holds kept.txt) stay.
A guest's exchange folder (/var/tmp/lvs-harness/vm-*) whose owner is gone goes too, with
any User-Mode Linux kernel still running for it, unless the guest left evidence in it
(captures, bundles, reports): that folder stays and gc names it.

  --dry-run     say what would be removed, remove nothing
  --json        print what was (or would be) removed as JSON`,
  async run(args) {
    const { values } = parseOptions('gc', args, { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } }, false);
    if (values.help) return console.log(this.help), 0;
    requireRoot();
    const garbage = values['dry-run']
      ? { ...(await findGarbage()), ...(await findGuestGarbage()) }
      : { ...(await collectGarbage()), ...(await collectGuestGarbage()) };
    if (values.json) console.log(JSON.stringify(garbage, null, 2));
    else {
      const verb = values['dry-run'] ? 'would remove' : 'removed';
      const total = garbage.namespaces.length + garbage.folders.length + garbage.runIds.length + garbage.exchangeFolders.length + garbage.guestKernels.length;
      if (total === 0) console.log('gc: nothing left behind');
      for (const name of garbage.namespaces) console.log(`gc: ${verb} namespace ${name}`);
      if (garbage.processes.length > 0) console.log(`gc: ${verb} processes ${garbage.processes.join(', ')}`);
      for (const folder of garbage.folders) console.log(`gc: ${verb} folder ${folder}`);
      for (const runId of garbage.runIds) console.log(`gc: ${verb} the record of run ${runId}`);
      if (garbage.guestKernels.length > 0) console.log(`gc: ${values['dry-run'] ? 'would kill' : 'killed'} guest kernels (UML, QEMU) ${garbage.guestKernels.join(', ')}`);
      for (const folder of garbage.exchangeFolders) console.log(`gc: ${verb} guest exchange folder ${folder}`);
      for (const folder of garbage.keptExchangeFolders) console.log(`gc: kept guest exchange folder ${folder}: its guest left evidence in ${folder}/output`);
    }
    return 0;
  },
};
