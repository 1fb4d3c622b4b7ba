// `lvs-harness vm -- CMD`: run any command inside a guest kernel (User-Mode Linux).
import { requireRoot } from '../../kernel/choose-kernel.js';
import { runGuestJob } from '../../kernel/guest-job.js';
import { guestPlacementNamed } from '../../kernel/placements.js';
import { guestOptions, guestOptionsHelp, guestSettings } from '../shared/guest-options.js';
import type { Subcommand } from '../shared/command.js';
import { UsageError } from '../shared/exit-codes.js';
import { parseOptions, splitAtDoubleDash } from '../shared/parse-options.js';
import { say } from '../shared/say.js';

export const vmCommand: Subcommand = {
  name: 'vm',
  summary: 'run a command inside the User-Mode Linux kernel',
  help: `Usage: lvs-harness vm [options] -- COMMAND [ARG...]

Boots Debian's User-Mode Linux kernel with the host's root read-only, loads IPVS, ipip and
every scheduler from the UML package's modules, runs COMMAND in the current folder and
powers off. The exit code is COMMAND's. Inside, /tmp and HOME are the guest's own tmpfs,
and LVS_HARNESS_OUTPUT names a host folder that is kept afterwards if anything is written.

${guestOptionsHelp}

LVS_HARNESS_KERNEL names the guest backend (uml, the default).`,
  async run(args) {
    const { before, after } = splitAtDoubleDash(args);
    const { values, positionals } = parseOptions('vm', before, guestOptions, true);
    if (values.help) return console.log(this.help), 0;
    const argv = [...positionals, ...after];
    if (argv.length === 0) throw new UsageError('vm: no command given (lvs-harness vm -- COMMAND [ARG...])');
    requireRoot();
    const placement = guestPlacementNamed(process.env.LVS_HARNESS_KERNEL);
    const { kernel, modulesDir, memoryMb, timeoutMs, writableFolders } = guestSettings('vm', values);
    const result = await runGuestJob(placement.backend, { argv, kernel, modulesDir, memoryMb, timeoutMs, shares: { write: writableFolders } });
    if (result.outputDir) say(`the guest's output is kept in ${result.outputDir}`);
    return result.exitCode;
  },
};
