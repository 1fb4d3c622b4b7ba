// `lvs-harness kernel`: which kernel clusters would be built in, and why; every placement with
// whether it can run here.
import { chooseKernel } from '../../kernel/choose-kernel.js';
import { placementNamed } from '../../kernel/placements.js';
import type { Subcommand } from '../shared/command.js';
import { parseOptions } from '../shared/parse-options.js';

export const kernelCommand: Subcommand = {
  name: 'kernel',
  summary: 'say which kernel clusters are built in, and why',
  help: `Usage: lvs-harness kernel [--json]

Tries each placement in order until one can build clusters here: the running kernel (it
loads ip_vs and ipip where modules can be loaded, then tries veth, a bridge, tunl0 and
ipvsadm in a scratch namespace it removes), then User-Mode Linux (booted once to run a
process; the answer is cached per machine under /var/tmp/lvs-harness/uml-probe). It says
which one is chosen and why, why each earlier one could not, and whether the harness's
ptrace fix for CPUs with a large XSAVE state (AMX) was needed.
LVS_HARNESS_KERNEL=auto|host|uml overrides the choice.`,
  async run(args) {
    const { values } = parseOptions('kernel', args, { json: { type: 'boolean' } }, false);
    if (values.help) return console.log(this.help), 0;
    const choice = await chooseKernel();
    if (values.json) console.log(JSON.stringify(choice, null, 2));
    else {
      console.log(choice.reason);
      for (const line of choice.probe.missing) console.log(`  missing in this kernel: ${line}`);
      if (choice.kind === 'guest') {
        const { guest } = choice;
        const fix = guest.xstateFix;
        console.log(`  guest: ${placementNamed(choice.placement)?.label ?? choice.placement} ${guest.guestRelease} ran a process (boot ${guest.bootMs} ms${guest.cached ? ', cached answer' : ''})`);
        console.log(
          `  ptrace fix for large XSAVE state: ${fix.needed ? `needed and used (${fix.detail ?? 'it acted'})` : fix.used ? 'preloaded, not needed on this CPU' : `not available (${fix.unavailable ?? 'unknown'}), not needed on this CPU`}`,
        );
      }
      console.log('placements, in the order tried:');
      for (const placement of choice.placements) {
        const state = placement.usable ? (placement.name === choice.placement ? 'chosen' : 'works') : placement.detail ? 'cannot' : 'not tried';
        console.log(`  ${placement.name.padEnd(5)} ${state.padEnd(9)} ${placement.label}${placement.detail && !placement.usable ? `: ${placement.detail.split('\n')[0]}` : ''}`);
      }
    }
    return 0;
  },
};
