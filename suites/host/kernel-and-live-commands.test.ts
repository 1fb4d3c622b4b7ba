// `lvs-harness kernel` says which kernel clusters are built in and why; the commands that act
// on a live cluster refuse without root, and say there is none when there is none.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { SEED_TOPOLOGY_FILE } from '../support/topologies.js';

describe('lvs-harness kernel', () => {
  it('names the chosen kernel and the reason, in words and as JSON', async () => {
    const text = await runCli(['kernel']);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/(has IPVS, ipip, veth and bridges: clusters are built in it|clusters are built inside (User-Mode Linux|QEMU with (KVM|TCG)))/);
    const json = await runCli(['kernel', '--json']);
    const choice = JSON.parse(json.stdout) as {
      kind: string;
      placement: string;
      reason: string;
      probe: { capable: boolean; missing: string[] };
      placements: Array<{ name: string; usable: boolean; detail?: string }>;
    };
    expect(['current', 'guest']).toContain(choice.kind);
    // The choice follows the probe: a guest exactly when this kernel lacks something.
    expect(choice.kind === 'guest').toBe(!choice.probe.capable);
    expect(choice.probe.missing.length === 0).toBe(choice.probe.capable);
    // Every placement is listed in the order tried, fastest first, each assessed: the chosen one
    // usable, every one before it refused with a reason, every one after it with its own answer.
    expect(choice.placements.map((placement) => placement.name)).toEqual(['host', 'qemu-kvm', 'uml', 'qemu-tcg']);
    const chosen = choice.placements.findIndex((placement) => placement.name === choice.placement);
    expect(choice.placements[chosen]!.usable).toBe(true);
    for (const earlier of choice.placements.slice(0, chosen)) expect(earlier.usable === false && earlier.detail !== undefined).toBe(true);
    for (const later of choice.placements.slice(chosen + 1)) expect(later.detail, later.name).toBeDefined();
    expect(text.stdout).toContain('placements, in the order tried:');
  });
});

describe('the commands that build', () => {
  it.each([['up'], ['check'], ['demo']])('%s refuses a topology file that does not exist, exit 2, before choosing a kernel', async (command) => {
    const result = await runCli([command, '/nonexistent/report.yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('invalid topology /nonexistent/report.yaml:\n  (file): cannot read: no such file');
    expect(result.stderr).not.toContain('kernel:');
  });

  it.each([['up'], ['check'], ['kernel'], ['gc']])('%s refuses without root, exit 2', async (command) => {
    const args = command === 'up' || command === 'check' ? [command, SEED_TOPOLOGY_FILE] : [command];
    const result = await runCli(args, { uid: 65534 });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('lvs-harness needs root');
  });
});

describe('the commands on a live cluster', () => {
  it.each([['request'], ['status'], ['doctor'], ['down'], ['bundle', '/var/tmp/x.tar.gz'], ['exec', 'web1', '--', 'true'], ['capture', 'web1']])(
    '%s refuses without root, exit 2',
    async (...args) => {
      const result = await runCli(args, { uid: 65534 });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('lvs-harness needs root');
    },
  );

  it('say there is no live cluster when there is none, exit 2', async () => {
    const result = await runCli(['status', '--run', 'deadbeef']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/no live run deadbeef \(live runs: .*; records are in \/run\/lvs-harness\)/);
  });
});
