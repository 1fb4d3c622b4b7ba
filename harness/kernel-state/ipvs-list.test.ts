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
