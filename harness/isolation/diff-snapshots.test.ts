import { describe, expect, it } from 'vitest';
import { diffSnapshots, formatSnapshotChanges } from './diff-snapshots.js';
import type { RootNamespaceSnapshot, SnapshotSection } from './snapshot-types.js';

function snapshot(sections: SnapshotSection[], namespace = 'net:[4026531840]'): RootNamespaceSnapshot {
  return { namespace, initialNamespace: 'net:[4026531840]', takenAt: '2024-01-01T00:00:00.000Z', sections };
}

const sysctls = (entries: Array<[string, string]>): SnapshotSection => ({ name: 'sysctls', command: 'sysctl -a', ordered: false, entries });
const links = (entries: Array<[string, Record<string, string>]>): SnapshotSection => ({ name: 'links', command: 'ip -j -d link show', ordered: false, entries });
const ruleset = (lines: string[], unreadable?: string): SnapshotSection => ({
  name: 'iptables',
  command: 'iptables-save',
  ordered: true,
  entries: lines.map((line) => [line, '']),
  unreadable,
});

const LO = { ifname: 'lo', mtu: '65536', flags: 'LOOPBACK,UP' };

describe('diffSnapshots', () => {
  it('finds nothing between equal snapshots, whatever the order of unordered entries', () => {
    const before = snapshot([sysctls([['net.ipv4.ip_forward', '0'], ['net.ipv4.conf.all.rp_filter', '2']]), links([['lo', LO]])]);
    const after = snapshot([sysctls([['net.ipv4.conf.all.rp_filter', '2'], ['net.ipv4.ip_forward', '0']]), links([['lo', { ...LO }]])]);
    expect(diffSnapshots(before, after)).toEqual([]);
    expect(formatSnapshotChanges([])).toBe('the root namespace is unchanged');
  });

  it('names a changed sysctl with its values before and after', () => {
    const changes = diffSnapshots(snapshot([sysctls([['net.ipv4.ip_forward', '0']])]), snapshot([sysctls([['net.ipv4.ip_forward', '1']])]));
    expect(changes).toEqual([{ section: 'sysctls', kind: 'changed', key: 'net.ipv4.ip_forward', before: '0', after: '1' }]);
    expect(formatSnapshotChanges(changes)).toBe('the root namespace changed (1 difference):\n  sysctls: changed net.ipv4.ip_forward: 0 -> 1');
  });

  it('names an added and a removed link, and the fields of a changed one', () => {
    const veth = { ifname: 'v-web1', mtu: '1500', 'linkinfo.info_kind': 'veth' };
    const changes = diffSnapshots(
      snapshot([links([['lo', LO], ['eth9', { ifname: 'eth9', mtu: '1500' }]])]),
      snapshot([links([['lo', { ...LO, mtu: '1500' }], ['v-web1', veth]])]),
    );
    expect(formatSnapshotChanges(changes).split('\n').slice(1)).toEqual([
      '  links: changed lo: mtu 65536 -> 1500',
      '  links: removed eth9 (was ifname=eth9 mtu=1500)',
      '  links: added v-web1 (ifname=v-web1 mtu=1500 linkinfo.info_kind=veth)',
    ]);
  });

  it('names a field that appeared on a link', () => {
    const changes = diffSnapshots(snapshot([links([['lo', LO]])]), snapshot([links([['lo', { ...LO, master: 'br0' }]])]));
    expect(formatSnapshotChanges(changes)).toContain('links: changed lo: master (none) -> br0');
  });

  it('sees rules in another order in an ordered section, and only there', () => {
    const changes = diffSnapshots(snapshot([ruleset(['*filter', '-A INPUT -j A', '-A INPUT -j B'])]), snapshot([ruleset(['*filter', '-A INPUT -j B', '-A INPUT -j A'])]));
    expect(formatSnapshotChanges(changes)).toContain('iptables: reordered -A INPUT -j A: at position 2, now at position 3');
    const unordered = (lines: string[]) => ({ ...ruleset(lines), ordered: false });
    expect(diffSnapshots(snapshot([unordered(['a', 'b'])]), snapshot([unordered(['b', 'a'])]))).toEqual([]);
  });

  it('reports a section that became readable, with what it then held', () => {
    const changes = diffSnapshots(snapshot([ruleset([], 'exit 1: Failed to initialize nft: Protocol not supported')]), snapshot([ruleset(['*filter'])]));
    expect(formatSnapshotChanges(changes).split('\n').slice(1)).toEqual([
      '  iptables: changed (readable): exit 1: Failed to initialize nft: Protocol not supported -> readable',
      '  iptables: added *filter',
    ]);
  });

  it('reports snapshots taken in different namespaces, and a section missing from one', () => {
    const changes = diffSnapshots(snapshot([sysctls([])], 'net:[1]'), snapshot([links([])], 'net:[2]'));
    expect(changes.map((change) => `${change.section} ${change.kind}`)).toEqual(['namespace changed', 'sysctls removed', 'links added']);
  });

  it('lists at most 8 changes per section, says how many more, and still lists the other sections', () => {
    const many = Array.from({ length: 45 }, (_, index): [string, string] => [`net.ipv4.route.setting${index}`, '0']);
    const text = formatSnapshotChanges(diffSnapshots(snapshot([sysctls([]), links([])]), snapshot([sysctls(many), links([['veth0', { ifname: 'veth0' }]])])));
    expect(text.split('\n')).toHaveLength(11);
    expect(text).toMatch(/^the root namespace changed \(46 differences\):/);
    expect(text).toContain('  sysctls: added net.ipv4.route.setting7 (0)\n  sysctls: ... and 37 more\n  links: added veth0');
  });

  it("says a new link's own sysctls in one line per folder", () => {
    const keys = (prefix: string) => ['forwarding', 'rp_filter', 'arp_ignore'].map((name): [string, string] => [`${prefix}.${name}`, '0']);
    const changes = diffSnapshots(
      snapshot([sysctls([['net.ipv4.conf.all.arp_announce', '0'], ...keys('net.ipv6.conf.old0')])]),
      snapshot([sysctls([['net.ipv4.conf.all.arp_announce', '2'], ...keys('net.ipv4.conf.veth0'), ...keys('net.ipv6.conf.veth0'), ['net.ipv4.neigh.veth0.ucast_solicit', '3']])]),
    );
    expect(changes).toHaveLength(11);
    expect(formatSnapshotChanges(changes).split('\n').slice(1)).toEqual([
      '  sysctls: changed net.ipv4.conf.all.arp_announce: 0 -> 2',
      '  sysctls: removed net.ipv6.conf.old0.* (3 keys)',
      '  sysctls: added net.ipv4.conf.veth0.* (3 keys)',
      '  sysctls: added net.ipv6.conf.veth0.* (3 keys)',
      '  sysctls: added net.ipv4.neigh.veth0.ucast_solicit (3)',
    ]);
  });

  it('clips a long value', () => {
    const text = formatSnapshotChanges(diffSnapshots(snapshot([sysctls([['k', 'x'.repeat(500)]])]), snapshot([sysctls([['k', 'y']])])));
    expect(text).toContain(`k: ${'x'.repeat(157)}... -> y`);
  });
});
