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
    const netns = options.netns ?? (argv[1] === '-n' ? argv[2] : argv[2] === '-n' ? argv[3] : undefined);
    this.ran.push({ argv: argv.join(' '), netns });
    const stdout = argv[0] === 'ipvsadm-save' ? (this.saves.get(netns ?? '') ?? '') : argv[0] === 'ip' ? '[]' : '';
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
    const runner = new ScriptedRunner(new Map([[master, 'master table\n'], [second, 'backup table\n']]));

    const state = await readClusterState(runner, plan);

    expect(runner.ran.filter((entry) => entry.argv.startsWith('ipvsadm-save')).map((entry) => entry.netns).sort()).toEqual([master, second].sort());
    expect(state.ipvsSaves).toEqual(new Map([['lvs', 'master table\n'], ['lvs2', 'backup table\n']]));
    expect(state.uplink).toBe(plan.uplink);
  });
});
