// `lvs-harness run -- CMD`: run a command in the chosen kernel (how the kernel suites run).
import { execa } from 'execa';
import type { Subcommand } from '../shared/command.js';
import { UsageError } from '../shared/exit-codes.js';
import { inChosenKernel } from '../shared/in-chosen-kernel.js';
import { parseOptions, splitAtDoubleDash } from '../shared/parse-options.js';
import { guestOptions, guestOptionsHelp, guestSettings } from '../shared/guest-options.js';

export const runCommand: Subcommand = {
  name: 'run',
  summary: 'run a command in the chosen kernel (here, or inside User-Mode Linux)',
  help: `Usage: lvs-harness run [options] -- COMMAND [ARG...]

Runs COMMAND where clusters can be built: directly when this kernel has IPVS and ipip,
otherwise inside User-Mode Linux (as lvs-harness vm). npm test runs the kernel suites so.

${guestOptionsHelp}`,
  async run(args) {
    const { before, after } = splitAtDoubleDash(args);
    const { values, positionals } = parseOptions('run', before, guestOptions, true);
    if (values.help) return console.log(this.help), 0;
    const argv = [...positionals, ...after];
    if (argv.length === 0) throw new UsageError('run: no command given (lvs-harness run -- COMMAND [ARG...])');
    return inChosenKernel(
      ['run', '--', ...argv],
      async () => (await execa(argv[0]!, argv.slice(1), { stdio: 'inherit', reject: false })).exitCode ?? 2,
      guestSettings('run', values),
    );
  },
};
