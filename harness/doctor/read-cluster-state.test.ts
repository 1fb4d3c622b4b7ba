import { describe, expect, it } from 'vitest';
import { planCluster } from '../plan/cluster-plan.js';
import { ProcessRunner, type CommandResult, type RunOptions } from '../process/process-runner.js';
import { testTopology } from '../topology/test-support/test-topology.js';
import { readClusterState } from './read-cluster-state.js';

/** A runner that answers every read from a table by namespace, and remembers what it ran where. */
class ScriptedRunner extends ProcessRunner {
  readonly ran: Array<{ argv: string; netns?: string }> = [];
  constructor(private readonly saves: Map<string, string>) {
    super();
  }
  override async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const netns = options.netns;
    this.ran.push({ argv: argv.join(' '), netns });
    // The host's one read: its script's sections, a director's IPVS rules last.
    const script = argv[2] ?? '';
    const stdout = ['[]', '@@lvs-harness-section sysctls', 'net/ipv4/conf/all/rp_filter:2', ...(script.includes('ipvsadm -S -n') ? ['@@lvs-harness-section ipvs', this.saves.get(netns ?? '') ?? ''] : [])].join('\n');
    return { exitCode: 0, stdout, stderr: '', durationMs: 0 };
  }
}

describe("the doctor's reading of a live cluster", () => {
  it("reads each director's own IPVS table, a VRRP backup's too, not the first director's for all", async () => {
    const seed = testTopology();
    const backup = { ...seed.hosts.find((host) => host.name === 'lvs')!, name: 'lvs2', address: '192.168.73.101' };
    const plan = planCluster({ ...seed, hosts: [...seed.hosts, backup] }, 'feedf00d');
    const master = plan.hostNamespaces.get('lvs')!;
    const second = plan.hostNamespaces.get('lvs2')!;
    const runner = new ScriptedRunner(new Map([[master, 'master table'], [second, 'backup table']]));

    const state = await readClusterState(runner, plan);

    expect(runner.ran.filter((entry) => entry.argv.includes('ipvsadm -S -n')).map((entry) => entry.netns).sort()).toEqual([master, second].sort());
    expect(state.ipvsSaves).toEqual(new Map([['lvs', 'master table'], ['lvs2', 'backup table']]));
    // One process per host, every host read.
    expect(runner.ran.map((entry) => entry.netns).sort()).toEqual([...plan.hostNamespaces.values()].sort());
    expect(state.hosts.get('web1')!.sysctls).toEqual({ 'net.ipv4.conf.all.rp_filter': '2' });
    expect(state.uplink).toBe(plan.uplink);
  });
});
