import { describe, expect, it } from 'vitest';
import { parseIpvsList } from './ipvs-list.js';
import { listedServiceAsRules } from './ipvs-table-difference.js';
import { parseIpvsEntries, persistenceTemplates } from './ipvs-connections.js';

describe("the director's table as the schedulers walk it", () => {
  it('reads ipvsadm -Ln --nosort: services, their flags, real servers in list order with counters', () => {
    const text = [
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      'TCP  192.168.73.120:80 wrr persistent 300 mask 255.255.255.0',
      '  -> 192.168.73.111:80            Tunnel  1      0          4',
      '  -> 192.168.73.110:80            Tunnel  3      1          7',
    ].join('\n');
    expect(parseIpvsList(text)).toEqual([
      {
        service: '192.168.73.120:80',
        protocol: 'TCP',
        scheduler: 'wrr',
        persistence: 300,
        netmask: '255.255.255.0',
        realServers: [
          { realServer: '192.168.73.111:80', forward: 'Tunnel', weight: 1, active: 0, inactive: 4 },
          { realServer: '192.168.73.110:80', forward: 'Tunnel', weight: 3, active: 1, inactive: 7 },
        ],
      },
    ]);
  });

  it('reads a UDP service with one-packet scheduling (ops) as the rules ipvsadm-save prints for it', () => {
    const text = ['UDP  10.53.0.53:53 rr ops', '  -> 10.53.0.11:53               Tunnel  1      0          3'].join('\n');
    const [listed] = parseIpvsList(text);
    expect(listed).toMatchObject({ service: '10.53.0.53:53', protocol: 'UDP', onePacket: true });
    expect(listedServiceAsRules(listed!)).toBe('-A -u 10.53.0.53:53 -s rr -o\n-a -u 10.53.0.53:53 -r 10.53.0.11:53 -i -w 1\n');
  });

  it('reads --tun-info: each tunnel\'s encapsulation, turned into the flags ipvsadm-save prints', () => {
    const text = [
      '  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn',
      'TCP  10.0.0.100:80 rr',
      '  -> 10.0.0.5:80                  Tunnel  ipip          1      0          0',
      '  -> 10.0.0.4:80                  Tunnel  gue:6081:-c   1      0          0',
      '  -> 10.0.0.3:80                  Tunnel  gre:-c        2      1          0',
      '  -> 10.0.0.2:80                  Tunnel  gue:6080:+c   1      0          0',
      '  -> 10.0.0.6:80                  Route   n/a           1      0          0',
      '  -> 10.0.0.7:80                  Masq    n/a           3      0          0',
    ].join('\n');
    const [listed] = parseIpvsList(text);
    expect(listed!.realServers.map((entry) => [entry.realServer, entry.tunnel, entry.weight, entry.active])).toEqual([
      ['10.0.0.5:80', 'ipip', 1, 0],
      ['10.0.0.4:80', 'gue:6081:-c', 1, 0],
      ['10.0.0.3:80', 'gre:-c', 2, 1],
      ['10.0.0.2:80', 'gue:6080:+c', 1, 0],
      ['10.0.0.6:80', undefined, 1, 0],
      ['10.0.0.7:80', undefined, 3, 0],
    ]);
    expect(listedServiceAsRules(listed!).split('\n').slice(1, 5)).toEqual([
      '-a -t 10.0.0.100:80 -r 10.0.0.5:80 -i -w 1',
      '-a -t 10.0.0.100:80 -r 10.0.0.4:80 -i -w 1 --tun-type gue --tun-port 6081 --tun-nocsum',
      '-a -t 10.0.0.100:80 -r 10.0.0.3:80 -i -w 2 --tun-type gre --tun-nocsum',
      '-a -t 10.0.0.100:80 -r 10.0.0.2:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum',
    ]);
  });

  it('reads the persistence templates of ipvsadm -Lnc (client port 0), and only the service asked for', () => {
    const text = [
      'IPVS connection entries',
      'pro expire state       source             virtual            destination',
      'TCP 04:58  NONE        192.168.73.0:0     192.168.73.120:80  192.168.73.110:80',
      'TCP 01:58  FIN_WAIT    192.168.73.50:10001 192.168.73.120:80 192.168.73.110:80',
      'TCP 04:59  NONE        192.168.73.52:0    192.168.73.121:80  192.168.73.111:80',
    ].join('\n');
    expect([...persistenceTemplates(parseIpvsEntries(text), '192.168.73.120:80')]).toEqual([['192.168.73.0', '192.168.73.110:80']]);
  });
});
