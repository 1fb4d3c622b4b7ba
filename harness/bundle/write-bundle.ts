// One archive a bug report can carry: the topology, every command the harness ran (as a script
// that rebuilds the cluster by hand), each host's kernel state, the captures, the logs, the
// versions of the tools and kernel, and the check report.
import { copyFile, cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { dir as makeTempDir } from 'tmp-promise';
import { packagePath } from '../package-root.js';
import { nativeBuildPath } from '../native/native-build.js';
import { CLUSTER_PROGRAMS } from '../native/native-programs.js';
import type { ProcessRunner } from '../process/process-runner.js';
import type { JournalEntry } from '../process/command-journal.js';
import { allNamespaces, namespaceOf, type ClusterPlan } from '../plan/cluster-plan.js';
import type { CheckReport } from '../checks/run-checks.js';
import { formatCheckReport } from '../checks/run-checks.js';
import { renderReplayScript, renderTeardownScript } from './replay-script.js';
import { currentGuest, inGuest } from '../kernel/guest-identity.js';
import { runningKernelLabel } from '../kernel/placements.js';

export interface BundleInput {
  plan: ClusterPlan;
  runner: ProcessRunner;
  /** The commands that built the cluster. */
  buildCommands: readonly JournalEntry[];
  runDir?: string;
  report?: CheckReport;
  captureFolder?: string;
}

/** Writes the archive; resolves with its absolute path. */
export async function writeBundle(out: string, input: BundleInput): Promise<string> {
  const target = resolve(out);
  const staging = await makeTempDir({ prefix: `lvs-harness-${input.plan.runId}-bundle-`, unsafeCleanup: true });
  try {
    const root = join(staging.path, `lvs-harness-${input.plan.runId}`);
    await mkdir(join(root, 'state'), { recursive: true });
    const { topology } = input.plan;
    await writeFile(join(root, 'topology.json'), `${JSON.stringify(topology, null, 2)}\n`);
    if (topology.source && existsSync(topology.source)) await copyFile(topology.source, join(root, `topology-file-${basename(topology.source)}`));

    const agents = packagePath('harness', 'agents');
    await cp(agents, join(root, 'agents'), { recursive: true });
    // The C programs as built (static), in native/ under their own names.
    const relocations: Array<[string, string]> = [[`${agents}/`, '"$BUNDLE"/agents/']];
    await mkdir(join(root, 'native'));
    for (const program of CLUSTER_PROGRAMS) {
      const built = nativeBuildPath(program);
      if (!existsSync(built)) continue;
      await copyFile(built, join(root, 'native', program.name));
      relocations.push([built, `"$BUNDLE"/native/${program.name}`]);
    }
    await writeFile(join(root, 'commands.sh'), renderReplayScript(input.buildCommands, relocations, topology.name, input.runDir), { mode: 0o755 });
    await writeFile(join(root, 'teardown.sh'), renderTeardownScript(allNamespaces(input.plan)), { mode: 0o755 });

    await writeStateFiles(root, input);
    await writeFile(join(root, 'versions.txt'), await versions(input.runner));
    await writeFile(join(root, 'kernel-console.txt'), (await input.runner.run(['dmesg'], { allowFailure: true })).stdout);
    if (input.runDir && existsSync(input.runDir)) {
      await mkdir(join(root, 'logs'));
      for (const name of (await readdir(input.runDir)).filter((entry) => entry.endsWith('.log') || entry.endsWith('.conf'))) {
        await copyFile(join(input.runDir, name), join(root, 'logs', name));
      }
    }
    if (input.captureFolder && existsSync(input.captureFolder)) await cp(input.captureFolder, join(root, 'captures'), { recursive: true });
    if (input.report) {
      await writeFile(join(root, 'report.txt'), `${formatCheckReport(input.report)}\n`);
      await writeFile(join(root, 'report.json'), `${JSON.stringify(input.report, null, 2)}\n`);
    }
    await writeFile(join(root, 'README.txt'), readme(input));
    await mkdir(dirname(target), { recursive: true });
    await input.runner.run(['tar', '-czf', target, '-C', staging.path, basename(root)]);
    return target;
  } finally {
    await staging.cleanup();
  }
}

async function writeStateFiles(root: string, input: BundleInput): Promise<void> {
  const { plan, runner } = input;
  for (const host of plan.topology.hosts) {
    const netns = namespaceOf(plan, host.name);
    const sections: Array<[string, string[]]> = [
      ['ip -d addr', ['ip', '-d', '-n', netns, 'addr', 'show']],
      ['ip -d link', ['ip', '-d', '-n', netns, 'link', 'show']],
      ['ip route show table all', ['ip', '-n', netns, 'route', 'show', 'table', 'all']],
      ['ip neigh', ['ip', '-n', netns, 'neigh', 'show']],
    ];
    const text: string[] = [];
    for (const [title, argv] of sections) text.push(`# ${title}\n${(await runner.run(argv, { allowFailure: true })).stdout}`);
    text.push(`# sysctl net.ipv4\n${(await runner.run(['sysctl', '-a', '-r', '^net\\.ipv4\\.(ip_forward|conf\\.)'], { netns, allowFailure: true })).stdout}`);
    if (host.role === 'director') {
      text.push(`# ipvsadm -Ln --stats --exact\n${(await runner.run(['ipvsadm', '-Ln', '--stats', '--exact'], { netns, allowFailure: true })).stdout}`);
      text.push(`# ipvsadm -Ln --exact (connections and rates)\n${(await runner.run(['ipvsadm', '-Ln', '--rate', '--exact'], { netns, allowFailure: true })).stdout}`);
      text.push(`# ipvsadm -S -n (what ipvsadm-save -n prints)\n${(await runner.run(['ipvsadm', '-S', '-n'], { netns, allowFailure: true })).stdout}`);
    }
    await writeFile(join(root, 'state', `${host.name}.txt`), text.join('\n'));
  }
}

async function versions(runner: ProcessRunner): Promise<string> {
  const tools: Array<[string, string[]]> = [
    ['kernel', ['uname', '-a']],
    ['ipvsadm', ['ipvsadm', '--version']],
    ['keepalived', ['keepalived', '--version']],
    ['iproute2', ['ip', '-V']],
    ['tcpdump', ['tcpdump', '--version']],
    ['node', [process.execPath, '--version']],
  ];
  const lines: string[] = [];
  for (const [name, argv] of tools) {
    const result = await runner.run(argv, { allowFailure: true }).catch((error: Error) => ({ stdout: '', stderr: error.message }));
    lines.push(`${name}: ${`${result.stdout}\n${result.stderr}`.trim().split('\n')[0] ?? ''}`);
  }
  lines.push(`kernel chosen: ${inGuest() ? `${runningKernelLabel(currentGuest())} guest` : 'host kernel'}`);
  return `${lines.join('\n')}\n`;
}

function readme(input: BundleInput): string {
  return `lvs-harness bundle of run ${input.plan.runId} (topology ${input.plan.topology.name})

topology.json          the resolved topology (topology-file-* is the file as given)
commands.sh            every command the harness ran to build the cluster, in order; run it as
                       root in a kernel with ip_vs and ipip to rebuild the same cluster by hand
teardown.sh            removes what commands.sh built
agents/                the client agent (Node.js) commands.sh starts, and the HTTP server's source
native/                the C programs it runs, built: http-server, netns-sysctl
state/<host>.txt       addresses, links, routes, neighbours and net.ipv4 sysctls of each host;
                       the director's IPVS table with counters (ipvsadm -Ln --stats --exact)
captures/              pcap files per host and interface (tcpdump -r FILE -nn -e, Wireshark)
logs/                  the HTTP servers', the client agent's (and keepalived's) logs
kernel-console.txt     the kernel's messages (dmesg)
versions.txt           kernel, ipvsadm, keepalived, iproute2, tcpdump, node
report.txt/.json       the check report, when the bundle came from lvs-harness check
`;
}
