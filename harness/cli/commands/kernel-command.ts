// `lvs-harness kernel`: which kernel clusters would be built in, and why; every placement with
// whether it can run here.
import { chooseKernel } from '../../kernel/choose-kernel.js';
import { placementNamed } from '../../kernel/placements.js';
import type { Subcommand } from '../shared/command.js';
import { guestOptions, guestSettings } from '../shared/guest-options.js';
import { parseOptions } from '../shared/parse-options.js';
import { say } from '../shared/say.js';

export const kernelCommand: Subcommand = {
  name: 'kernel',
  summary: 'say which kernel clusters are built in, and why; every placement and whether it works here',
  help: `Usage: lvs-harness kernel [--kernel NAME [--modules DIR]] [--json]

Tries every placement, in the order the choice takes them (fastest first):
  host      the running kernel: it loads ip_vs and ipip where modules can be loaded, then
            tries veth, a bridge, tunl0 and ipvsadm in a scratch namespace it removes
  qemu-kvm  a distro kernel in QEMU with KVM: /dev/kvm, and a probe boot that must reach
            a process within 30 s (on some hosts /dev/kvm runs only special kernels)
  uml       User-Mode Linux, booted once to run a process
  qemu-tcg  a distro kernel in QEMU with TCG (emulated CPU: slower, works on any x86-64)
The QEMU placements boot the kernel --kernel names, Debian's 6.1 by default (fetched once
into /var/tmp/lvs-harness/kernels). Every probe's answer is cached per machine under
/var/tmp/lvs-harness (uml-probe, qemu-probe). It prints which placement is chosen and why,
what each other one said, and whether the harness's ptrace fix for CPUs with a large XSAVE
state (AMX) was needed by UML.
LVS_HARNESS_KERNEL=auto|host|qemu-kvm|uml|qemu-tcg, or --kernel, insists on one.`,
  async run(args) {
    const { values } = parseOptions('kernel', args, { json: { type: 'boolean' }, kernel: guestOptions.kernel, modules: guestOptions.modules }, false);
    if (values.help) return console.log(this.help), 0;
    const { kernelName, modulesDir } = guestSettings('kernel', values);
    const choice = await chooseKernel({ kernelName, modulesDir, assessAll: true, onProgress: say });
    if (values.json) console.log(JSON.stringify(choice, null, 2));
    else {
      console.log(choice.reason);
      for (const line of choice.probe.missing) console.log(`  missing in this kernel: ${line}`);
      if (choice.kind === 'guest') {
        const { guest } = choice;
        const fix = guest.xstateFix;
        console.log(`  guest: ${placementNamed(choice.placement)?.label ?? choice.placement} ${guest.guestRelease} ran a process (boot ${guest.bootMs} ms${guest.cached ? ', cached answer' : ''})`);
        if (fix) {
          console.log(
            `  ptrace fix for large XSAVE state: ${fix.needed ? `needed and used (${fix.detail ?? 'it acted'})` : fix.used ? 'preloaded, not needed on this CPU' : `not available (${fix.unavailable ?? 'unknown'}), not needed on this CPU`}`,
          );
        }
      }
      console.log('placements, in the order tried:');
      const width = Math.max(...choice.placements.map((placement) => placement.name.length));
      for (const placement of choice.placements) {
        const state = placement.usable ? (placement.name === choice.placement ? 'chosen' : 'works') : placement.detail ? 'cannot' : 'not tried';
        console.log(`  ${placement.name.padEnd(width)} ${state.padEnd(9)} ${placement.label}: ${oneLine(placement.detail ?? 'not asked for')}`);
      }
    }
    return 0;
  },
};

/** A placement's reason on its row: a console quoted over several lines, joined. */
function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/^\s*\|\s?/, '').trim())
    .filter(Boolean)
    .join(' / ');
}
