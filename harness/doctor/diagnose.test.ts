import { describe, expect, it } from 'vitest';
import { testTopology } from '../topology/test-support/test-topology.js';
import { renderIpvsRestore } from '../plan/render-ipvs-rules.js';
import { diagnoseCluster, formatFindings, type ClusterState } from './diagnose.js';
import type { HostState } from './host-state.js';
import { parseFouPorts } from '../kernel-state/read-kernel-state.js';

const topology = testTopology(['web1']);

function healthy(): Map<string, HostState> {
  return new Map<string, HostState>([
    ['client', { links: [{ name: 'eth0', up: true, mtu: 1500, addresses: ['192.168.73.50/24'] }], sysctls: {} }],
    [
      'lvs',
      {
        links: [{ name: 'eth0', up: true, mtu: 1500, addresses: ['192.168.73.100/24', '192.168.73.120/32'] }],
        sysctls: { 'net.ipv4.ip_forward': '1', 'net.ipv4.conf.all.send_redirects': '0', 'net.ipv4.conf.eth0.send_redirects': '0' },
      },
    ],
    [
      'web1',
      {
        links: [
          { name: 'eth0', up: true, mtu: 1500, addresses: ['192.168.73.110/24'] },
          { name: 'tunl0', up: true, mtu: 1480, addresses: ['192.168.73.120/32'] },
        ],
        replyRoute: { device: 'eth0' },
        sysctls: {
          'net.ipv4.conf.all.rp_filter': '0',
          'net.ipv4.conf.tunl0.rp_filter': '0',
          'net.ipv4.conf.all.arp_ignore': '1',
          'net.ipv4.conf.all.arp_announce': '2',
        },
      },
    ],
  ]);
}

function stateWith(change: (hosts: Map<string, HostState>) => void, ipvsSave = renderIpvsRestore(topology.service)): ClusterState {
  const hosts = healthy();
  change(hosts);
  return { hosts, ipvsSaves: new Map([['lvs', ipvsSave]]), uplink: 'eth0', prefixFor: (host) => ['ip', 'netns', 'exec', `ns-${host}`] };
}

/** Each finding as pitfall@host, a note marked so. */
const pitfalls = (state: ClusterState) => diagnoseCluster(topology, state).map((finding) => `${finding.severity === 'note' ? 'note ' : ''}${finding.pitfall}@${finding.host}`);

describe('the doctor', () => {
  it('finds nothing on a healthy cluster', () => {
    expect(pitfalls(stateWith(() => {}))).toEqual([]);
    expect(formatFindings([])).toContain('none of the known LVS-TUN pitfalls');
  });

  it('judges rp_filter by the larger of all and tunl0, and accepts loose mode', () => {
    expect(pitfalls(stateWith((hosts) => (hosts.get('web1')!.sysctls['net.ipv4.conf.all.rp_filter'] = '1')))).toEqual(['rp-filter-on-tunl0@web1']);
    expect(pitfalls(stateWith((hosts) => (hosts.get('web1')!.sysctls['net.ipv4.conf.tunl0.rp_filter'] = '1')))).toEqual(['rp-filter-on-tunl0@web1']);
    expect(pitfalls(stateWith((hosts) => (hosts.get('web1')!.sysctls['net.ipv4.conf.tunl0.rp_filter'] = '2')))).toEqual([]);
  });

  it("notes the director's conn_reuse_mode 0 unless expire_nodest_conn is 1, and a persistent service's templates kept on a quiesced server", () => {
    const director = (settings: Record<string, string>) => (hosts: Map<string, HostState>) => Object.assign(hosts.get('lvs')!.sysctls, settings);
    expect(pitfalls(stateWith(director({ 'net.ipv4.vs.conn_reuse_mode': '0', 'net.ipv4.vs.expire_nodest_conn': '0' })))).toEqual(['note director-conn-reuse-mode@lvs']);
    expect(pitfalls(stateWith(director({ 'net.ipv4.vs.conn_reuse_mode': '0', 'net.ipv4.vs.expire_nodest_conn': '1' })))).toEqual([]);
    expect(pitfalls(stateWith(director({ 'net.ipv4.vs.conn_reuse_mode': '1', 'net.ipv4.vs.expire_nodest_conn': '0' })))).toEqual([]);
    // Not read (a kernel without the setting): nothing to note.
    expect(pitfalls(stateWith(director({ 'net.ipv4.vs.expire_nodest_conn': '0' })))).toEqual([]);
    const persistent = testTopology(['web1'], { persistence: 600 });
    const quiescent = stateWith(director({ 'net.ipv4.vs.expire_quiescent_template': '0' }), renderIpvsRestore(persistent.service));
    expect(diagnoseCluster(persistent, quiescent).map((finding) => `${finding.severity} ${finding.pitfall}`)).toEqual(['note director-quiescent-templates']);
    expect(pitfalls(stateWith(director({ 'net.ipv4.vs.expire_quiescent_template': '0' })))).toEqual([]);
    expect(diagnoseCluster(persistent, stateWith(director({ 'net.ipv4.vs.expire_quiescent_template': '1' }), renderIpvsRestore(persistent.service)))).toEqual([]);
  });

  it("under GRE finds its GRE device missing or down and its strict rp_filter; under GUE a real server whose fou port is not the tunnel's", () => {
    const gre = testTopology(['web1'], { tunnel: { type: 'gre' } });
    const judge = (topology: typeof gre, change: (hosts: Map<string, HostState>) => void) =>
      diagnoseCluster(topology, stateWith(change, renderIpvsRestore(topology.service))).map((finding) => `${finding.pitfall}@${finding.host}`);
    const greDevice = (up: boolean, rpFilter = '0') => (hosts: Map<string, HostState>) => {
      const web1 = hosts.get('web1')!;
      web1.links.push({ name: 'gre-lvs', up, mtu: 1476, addresses: [] });
      web1.sysctls['net.ipv4.conf.gre-lvs.rp_filter'] = rpFilter;
    };
    expect(judge(gre, greDevice(true))).toEqual([]);
    expect(judge(gre, greDevice(false))).toEqual(['gre-device-down@web1']);
    expect(judge(gre, () => {})).toEqual(['gre-device-down@web1']);
    expect(judge(gre, greDevice(true, '1'))).toEqual(['rp-filter-on-tunl0@web1']);
    const gue = testTopology(['web1'], { tunnel: { type: 'gue', port: 6080 } });
    expect(judge(gue, (hosts) => (hosts.get('web1')!.fouPorts = [6080]))).toEqual([]);
    const [closed] = diagnoseCluster(gue, stateWith((hosts) => (hosts.get('web1')!.fouPorts = [7000]), renderIpvsRestore(gue.service)));
    expect(closed).toMatchObject({ pitfall: 'gue-port-closed', problem: 'web1 does not decapsulate GUE on UDP port 6080 (fou ports: 7000)', fix: 'ip netns exec ns-web1 ip fou add port 6080 gue' });
    // The ipip cluster reads no GRE device and no fou.
    expect(pitfalls(stateWith(() => {}))).toEqual([]);
    expect(parseFouPorts('port 6080 gue\nport 5555 ipproto 4\nport 7000 gue local 10.0.0.1\n')).toEqual([6080, 7000]);
  });

  it('finds a missing tunl0 (and so the missing VIP), and a down one', () => {
    expect(pitfalls(stateWith((hosts) => (hosts.get('web1')!.links = hosts.get('web1')!.links.filter((link) => link.name !== 'tunl0'))))).toEqual([
      'tunl0-missing@web1',
      'vip-missing-on-real-server@web1',
    ]);
    expect(pitfalls(stateWith((hosts) => (hosts.get('web1')!.links[1]!.up = false)))).toEqual(['tunl0-down@web1']);
  });

  it('finds replies that would leave through the tunnel, or have no route at all', () => {
    expect(pitfalls(stateWith((hosts) => (hosts.get('web1')!.replyRoute = { device: 'tunl0' })))).toEqual(['replies-into-tunnel@web1']);
    const [noRoute] = diagnoseCluster(topology, stateWith((hosts) => (hosts.get('web1')!.replyRoute = {})));
    expect(noRoute).toMatchObject({ pitfall: 'replies-into-tunnel', problem: 'web1 has no route from the VIP back to the client' });
    expect(noRoute!.fix).toBe('ip netns exec ns-web1 ip route replace 192.168.73.0/24 dev eth0');
    // The walkthrough's VIP/24 on tunl0: narrowed to /32 (its tunnel route goes with it), the uplink's route put back.
    const [wide] = diagnoseCluster(topology, stateWith((hosts) => {
      hosts.get('web1')!.links[1]!.addresses = ['192.168.73.120/24'];
      hosts.get('web1')!.replyRoute = { device: 'tunl0' };
    }));
    expect(wide!.fix).toBe(
      'ip netns exec ns-web1 ip addr del 192.168.73.120/24 dev tunl0 && ip netns exec ns-web1 ip addr add 192.168.73.120/32 dev tunl0 && ip netns exec ns-web1 ip route replace 192.168.73.0/24 dev eth0',
    );
    // Without the VIP there is no reply to route: only the missing VIP is reported.
    const withoutVip = stateWith((hosts) => {
      hosts.get('web1')!.links[1]!.addresses = [];
      hosts.get('web1')!.replyRoute = {};
    });
    expect(pitfalls(withoutVip)).toEqual(['vip-missing-on-real-server@web1']);
  });

  it('finds ARP settings that let a real server answer for the VIP', () => {
    expect(pitfalls(stateWith((hosts) => (hosts.get('web1')!.sysctls['net.ipv4.conf.all.arp_ignore'] = '0')))).toEqual(['arp-ignore@web1']);
    expect(pitfalls(stateWith((hosts) => (hosts.get('web1')!.sysctls['net.ipv4.conf.eth0.arp_ignore'] = '1', hosts.get('web1')!.sysctls['net.ipv4.conf.all.arp_ignore'] = '0')))).toEqual([]);
    expect(pitfalls(stateWith((hosts) => (hosts.get('web1')!.sysctls['net.ipv4.conf.all.arp_announce'] = '1')))).toEqual(['note arp-announce@web1']);
  });

  it("notes the director's forwarding and redirects (LVS-TUN works without them), and finds its VIP and IPVS table", () => {
    expect(pitfalls(stateWith((hosts) => (hosts.get('lvs')!.sysctls['net.ipv4.ip_forward'] = '0')))).toEqual(['note director-ip-forward@lvs']);
    expect(pitfalls(stateWith((hosts) => (hosts.get('lvs')!.sysctls['net.ipv4.conf.eth0.send_redirects'] = '1')))).toEqual(['note director-send-redirects@lvs']);
    // NAT's replies are forwarded by the director: there ip_forward is a real cause.
    const nat = { ...topology, service: { ...topology.service, realServers: topology.service.realServers.map((server) => ({ ...server, forwarding: 'nat' as const })) } };
    const natState = stateWith((hosts) => (hosts.get('lvs')!.sysctls['net.ipv4.ip_forward'] = '0'), renderIpvsRestore(nat.service));
    expect(diagnoseCluster(nat, natState).map((finding) => `${finding.severity} ${finding.pitfall}`)).toEqual(['pitfall director-ip-forward']);
    expect(pitfalls(stateWith((hosts) => (hosts.get('lvs')!.links[0]!.addresses = ['192.168.73.100/24'])))).toEqual(['vip-missing-on-director@lvs']);
    expect(pitfalls(stateWith(() => {}, '-A -t 192.168.73.120:80 -s wlc\n'))).toEqual(['ipvs-table-differs@lvs']);
  });

  it("judges every director's own table: a VRRP backup's that differs is found on the backup", () => {
    const pair = { ...topology, hosts: [...topology.hosts, { ...topology.hosts.find((host) => host.name === 'lvs')!, name: 'lvs2', address: '192.168.73.101' }] };
    const state = stateWith(() => {});
    state.hosts.set('lvs2', { ...state.hosts.get('lvs')! });
    state.ipvsSaves.set('lvs2', '-A -t 192.168.73.120:80 -s rr\n');
    expect(diagnoseCluster(pair, state).map((finding) => `${finding.pitfall}@${finding.host}`)).toEqual(['ipvs-table-differs@lvs2']);
  });

  it('prints notes after the findings, marked as notes', () => {
    const text = formatFindings(diagnoseCluster(topology, stateWith((hosts) => (hosts.get('lvs')!.sysctls['net.ipv4.ip_forward'] = '0'))));
    expect(text).toMatch(/^doctor: none of the known LVS-TUN pitfalls found\ndoctor: note: director-ip-forward on lvs: ip_forward is off/);
    expect(text).toContain('why it is only a note: ');
  });

  it('says why and gives the fixing command in the host namespace', () => {
    const [finding] = diagnoseCluster(topology, stateWith((hosts) => (hosts.get('web1')!.sysctls['net.ipv4.conf.tunl0.rp_filter'] = '1')));
    expect(formatFindings([finding!])).toBe(
      'doctor: rp-filter-on-tunl0 on web1: strict reverse-path filtering on web1\'s tunl0 (effective rp_filter 1: all=0, tunl0=1)\n' +
        '  why: packets come out of tunl0 from the client, whose route is via the uplink, so strict rp_filter drops every one of them\n' +
        '  fix: ip netns exec ns-web1 sysctl -w net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0',
    );
  });

  it("judges the plan's uplink, whatever it is named: up0 instead of eth0", () => {
    /** The healthy cluster with every host's eth0 (links, reply route, sysctl keys) renamed up0. */
    const onUp0 = (change: (hosts: Map<string, HostState>) => void = () => {}): ClusterState => {
      const state = stateWith((hosts) => {
        for (const host of hosts.values()) {
          host.links = host.links.map((link) => (link.name === 'eth0' ? { ...link, name: 'up0' } : link));
          if (host.replyRoute?.device === 'eth0') host.replyRoute = { device: 'up0' };
          host.sysctls = Object.fromEntries(Object.entries(host.sysctls).map(([key, value]) => [key.replace('.eth0.', '.up0.'), value]));
        }
        change(hosts);
      });
      return { ...state, uplink: 'up0' };
    };
    expect(pitfalls(onUp0())).toEqual([]);

    const state = onUp0((hosts) => (hosts.get('web1')!.links.find((link) => link.name === 'up0')!.up = false));
    const findings = diagnoseCluster(topology, state);
    expect(findings.map((finding) => `${finding.pitfall}@${finding.host}`)).toEqual(['uplink-down@web1']);
    const [down] = findings;
    expect(down!.problem).toContain('up0');
    expect(down!.problem).not.toContain('eth0');
    expect(down!.fix).toBe('ip netns exec ns-web1 ip link set up0 up');
    expect(down!.fix).not.toContain('eth0');
  });
});
