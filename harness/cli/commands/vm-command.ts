// `lvs-harness vm -- CMD`: run any command inside the User-Mode Linux kernel.
import { resolve } from 'node:path';
import { requireRoot } from '../../kernel/choose-kernel.js';
import { runInUml } from '../../kernel/run-in-uml.js';
import type { Subcommand } from '../shared/command.js';
import { UsageError } from '../shared/exit-codes.js';
import { parseOptions, splitAtDoubleDash, wholeNumber } from '../shared/parse-options.js';
import { say } from '../shared/say.js';

export const umlOptions = {
  kernel: { type: 'string' },
  modules: { type: 'string' },
  mem: { type: 'string' },
  timeout: { type: 'string' },
  writable: { type: 'string', multiple: true },
} as const;

export const umlOptionsHelp = `  --kernel PATH   the UML kernel binary (default: linux.uml from Debian's user-mode-linux)
  --modules DIR   its modules folder (default: /usr/lib/uml/modules/<its release>)
  --mem MB        the guest's memory (default 2048)
  --timeout S     kill the kernel and report it hung after S seconds (default 3600)
  --writable DIR  a host folder the guest may write to (repeatable; the rest is read-only)`;

/** Reads the shared UML options. */
export function umlSettings(command: string, values: { kernel?: string; modules?: string; mem?: string; timeout?: string; writable?: string[] }) {
  return {
    writableFolders: (values.writable ?? []).map((folder) => resolve(folder)),
    kernel: values.kernel,
    modulesDir: values.modules,
    memoryMb: wholeNumber(command, 'mem', values.mem, 2048),
    timeoutMs: wholeNumber(command, 'timeout', values.timeout, 3600) * 1000,
  };
}

export const vmCommand: Subcommand = {
  name: 'vm',
  summary: 'run a command inside the User-Mode Linux kernel',
  help: `Usage: lvs-harness vm [options] -- COMMAND [ARG...]

Boots Debian's User-Mode Linux kernel with the host's root read-only, loads IPVS, ipip and
every scheduler from the UML package's modules, runs COMMAND in the current folder and
powers off. The exit code is COMMAND's. Inside, /tmp and HOME are the guest's own tmpfs,
and LVS_HARNESS_OUTPUT names a host folder that is kept afterwards if anything is written.

${umlOptionsHelp}`,
  async run(args) {
    const { before, after } = splitAtDoubleDash(args);
    const { values, positionals } = parseOptions('vm', before, umlOptions, true);
    if (values.help) return console.log(this.help), 0;
    const argv = [...positionals, ...after];
    if (argv.length === 0) throw new UsageError('vm: no command given (lvs-harness vm -- COMMAND [ARG...])');
    requireRoot();
    const result = await runInUml({ argv, ...umlSettings('vm', values) });
    if (result.outputDir) say(`the guest's output is kept in ${result.outputDir}`);
    return result.exitCode;
  },
};
