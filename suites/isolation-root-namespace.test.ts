// The harness never touches the root namespace: its links, addresses, routes and rules (IPv4
// and IPv6), its net.ipv4/net.ipv6 sysctls, its IPVS table and its firewall rulesets read the
// same after a build, a TUN-contract check and a teardown as before. "Root" is the namespace
// of the kernel this suite runs in: User-Mode Linux's own, or a GitHub runner's. And the
// comparison is shown to fail, naming what changed, on a change made on purpose and undone.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertVerdict, buildCluster, checkTunContract, InjectedFailure } from '../harness/library/index.js';
import { diffSnapshots, formatSnapshotChanges } from '../harness/isolation/diff-snapshots.js';
import { assertRootNamespaceUnchanged, RootNamespaceChanged, takeRootNamespaceSnapshot } from '../harness/isolation/root-namespace-snapshot.js';
import type { RootNamespaceSnapshot } from '../harness/isolation/snapshot-types.js';
import { seedTopology } from './support/topologies.js';

/** Sections the kernel suites always run with (IPVS, ipip, IPv4): a snapshot without them proves nothing. */
const REQUIRED_SECTIONS = ['links', 'addresses', 'routes (IPv4)', 'routing rules (IPv4)', 'sysctls', 'IPVS', 'named namespaces'];

function section(snapshot: RootNamespaceSnapshot, name: string) {
  const found = snapshot.sections.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`the snapshot has no section ${name}`);
  return found;
}

/** The message a comparison gives, or undefined when it finds no change. */
function comparison(before: RootNamespaceSnapshot, after: RootNamespaceSnapshot): string | undefined {
  try {
    assertRootNamespaceUnchanged(before, after);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(RootNamespaceChanged);
    return (error as Error).message;
  }
}

let baseline: RootNamespaceSnapshot;

beforeAll(async () => {
  baseline = await takeRootNamespaceSnapshot();
  const unreadable = baseline.sections.filter((candidate) => candidate.unreadable);
  // Inside User-Mode Linux there is no nf_tables: compared as "unreadable", and said so here.
  for (const candidate of unreadable) console.log(`root-namespace snapshot: ${candidate.name} (${candidate.command}) unreadable in this kernel: ${candidate.unreadable}`);
});

describe('the root namespace snapshot', () => {
  it("is taken in this kernel's initial network namespace and reads what a build could change", () => {
    expect(baseline.namespace).toBe(baseline.initialNamespace);
    for (const name of REQUIRED_SECTIONS) expect(section(baseline, name).unreadable, name).toBeUndefined();
    expect(new Map(section(baseline, 'sysctls').entries).get('net.ipv4.ip_forward')).toMatch(/^[01]$/);
    expect(section(baseline, 'links').entries.map(([key]) => key)).toContain('lo');
    expect(section(baseline, 'IPVS').entries.map(([key]) => key).join('\n')).toContain('IP Virtual Server version');
  });

  it('is the same when nothing happened in between', async () => {
    expect(comparison(baseline, await takeRootNamespaceSnapshot())).toBeUndefined();
  });
});

describe("building the seed's cluster, checking the TUN contract and tearing down", () => {
  it('leaves the root namespace exactly as it was', async () => {
    const before = await takeRootNamespaceSnapshot();
    const cluster = await buildCluster(await seedTopology());
    try {
      const check = await checkTunContract(cluster, { connections: 4 });
      assertVerdict(check.verdict);
      expect(check.connections).toHaveLength(4);
    } finally {
      await cluster.stop();
    }
    expect(comparison(before, await takeRootNamespaceSnapshot())).toBeUndefined();
  });

  it('a build that fails halfway leaves it exactly as it was too', async () => {
    const before = await takeRootNamespaceSnapshot();
    await expect(buildCluster(await seedTopology(), { injectFailureAfter: 'ipvs' })).rejects.toThrow(InjectedFailure);
    expect(comparison(before, await takeRootNamespaceSnapshot())).toBeUndefined();
  });
});

describe('the comparison can fail', () => {
  const sysctl = 'net.ipv4.conf.all.arp_announce';
  const [linkA, linkB] = ['lvsh-iso-a', 'lvsh-iso-b'];
  const probeAddress = '198.51.100.7';
  let original: string;
  let undone = false;

  /** Undoes the deliberate change; safe to call when part of it was never made. */
  async function undo(): Promise<void> {
    if (undone) return;
    undone = true;
    await execa('sysctl', ['-q', '-w', `${sysctl}=${original}`]);
    await execa('ip', ['link', 'del', linkA], { reject: false });
    await execa('ipvsadm', ['-D', '-t', `${probeAddress}:80`], { reject: false });
  }

  beforeAll(async () => {
    original = (await execa('sysctl', ['-n', sysctl])).stdout.trim();
  });
  afterAll(() => undo());

  it('names a toggled sysctl, an added veth pair, its address and route, and an IPVS service; and is clean once they are undone', async () => {
    const before = await takeRootNamespaceSnapshot();
    const toggled = original === '2' ? '0' : '2';
    // The harness's own mistakes would look like this: a real server's setting, link or rule
    // applied without `ip netns exec`.
    await execa('sysctl', ['-q', '-w', `${sysctl}=${toggled}`]);
    await execa('ip', ['link', 'add', linkA, 'type', 'veth', 'peer', 'name', linkB]);
    await execa('ip', ['addr', 'add', `${probeAddress}/32`, 'dev', linkA]);
    await execa('ipvsadm', ['-A', '-t', `${probeAddress}:80`, '-s', 'rr']);

    const message = comparison(before, await takeRootNamespaceSnapshot());
    expect(message).toBeDefined();
    expect(message).toMatch(/^the root namespace changed \(\d+ differences\):/);
    expect(message).toContain(`sysctls: changed ${sysctl}: ${original} -> ${toggled}`);
    expect(message).toMatch(new RegExp(`links: added ${linkA} \\(.*linkinfo\\.info_kind=veth`));
    expect(message).toContain(`links: added ${linkB}`);
    expect(message).toContain(`addresses: added ${linkA} ${probeAddress}/32`);
    expect(message).toMatch(new RegExp(`routes \\(IPv4\\): added local ${probeAddress.replace(/\./g, '\\.')} dev ${linkA} table local`));
    expect(message).toContain(`IPVS: added TCP  ${probeAddress}:80 rr`);

    await undo();
    const after = await takeRootNamespaceSnapshot();
    expect(diffSnapshots(before, after), formatSnapshotChanges(diffSnapshots(before, after))).toEqual([]);
  });
});
