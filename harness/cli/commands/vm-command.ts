// `lvs-harness vm -- CMD`: run any command inside a guest kernel (User-Mode Linux, QEMU).
import { chooseKernel } from '../../kernel/choose-kernel.js';
import { runGuestJob } from '../../kernel/guest-job.js';
import { placementNamed } from '../../kernel/placements.js';
import { guestOptions, guestOptionsHelp, guestSettings } from '../shared/guest-options.js';
import type { Subcommand } from '../shared/command.js';
import { UsageError } from '../shared/exit-codes.js';
import { parseOptions, splitAtDoubleDash } from '../shared/parse-options.js';
import { say } from '../shared/say.js';
import { guestJobFor } from '../shared/in-chosen-kernel.js';

export const vmCommand: Subcommand = {
  name: 'vm',
  summary: 'run a command inside a guest kernel (User-Mode Linux, or a distro kernel in QEMU)',
  help: `Usage: lvs-harness vm [options] -- COMMAND [ARG...]

Boots a guest kernel with the host's root read-only (the first guest placement that works
here, or the one --kernel names: Debian's User-Mode Linux, or a distro kernel in QEMU),
loads IPVS, ipip and every scheduler from the kernel's own modules, runs COMMAND in the
current folder and powers off. The exit code is COMMAND's. Inside, /tmp and HOME are the
guest's own tmpfs, and LVS_HARNESS_OUTPUT names a host folder that is kept afterwards if
anything is written.

${guestOptionsHelp}

LVS_HARNESS_KERNEL=qemu-kvm|uml|qemu-tcg insists on one guest backend.`,
  async run(args) {
    const { before, after } = splitAtDoubleDash(args);
    const { values, positionals } = parseOptions('vm', before, guestOptions, true);
    if (values.help) return console.log(this.help), 0;
    const argv = [...positionals, ...after];
    if (argv.length === 0) throw new UsageError('vm: no command given (lvs-harness vm -- COMMAND [ARG...])');
    const settings = guestSettings('vm', values);
    // Any guest will do, the first that works; the command's own tools are its business.
    const choice = await chooseKernel({ tools: [], kernelName: settings.kernelName, modulesDir: settings.modulesDir, guestOnly: true, onProgress: say });
    if (choice.kind !== 'guest') throw new Error('vm: the kernel choice returned the running kernel');
    say(`kernel: ${choice.reason}`);
    const backend = placementNamed(choice.placement)!.backend!;
    const result = await runGuestJob(backend, guestJobFor(argv, settings, choice));
    if (result.outputDir) say(`the guest's output is kept in ${result.outputDir}`);
    return result.exitCode;
  },
};
