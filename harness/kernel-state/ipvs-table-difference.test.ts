import { describe, expect, it } from 'vitest';
import { testTopology } from '../topology/test-support/test-topology.js';
import { parseIpvsList } from './ipvs-list.js';
import { describeIpvsTableDifference, ipvsTableDifference, listedServiceAsRules } from './ipvs-table-difference.js';

describe("one comparison of a director's table with the topology", () => {
  const { service } = testTopology(['web1', 'web2']);
  const [web1, web2] = service.realServers;
  const save = (rules: string[]) => rules.join('\n') + '\n';
  const serviceRule = `-A -t ${service.vip}:80 -s rr`;
  const rule = (server: typeof web1, weight = 1, flag = '-i') => `-a -t ${service.vip}:80 -r ${server!.address}:80 ${flag} -w ${weight}`;

  it('finds no difference in the table ipvsadm-save prints for the topology, whatever its spacing, order and default tunnel type', () => {
    const saved = save([`-A  -t ${service.vip}:80   -s rr`, `${rule(web2)} --tun-type ipip`, rule(web1)]);
    expect(describeIpvsTableDifference('lvs', service, ipvsTableDifference(service, saved))).toBeUndefined();
  });

  it('names what is missing and what is unexpected, with the real server host names', () => {
    const saved = save([serviceRule, rule(web1, 1, '-g')]);
    const message = describeIpvsTableDifference('lvs', service, ipvsTableDifference(service, saved));
    expect(message).toContain('the IPVS table in lvs differs from the topology:');
    expect(message).toContain(`missing:    ${rule(web1)}  (web1)`);
    expect(message).toContain(`missing:    ${rule(web2)}  (web2)`);
    expect(message).toContain(`unexpected: ${rule(web1, 1, '-g')}  (web1)`);
  });

  it('reads ipvsadm -Ln as the same rules, so a wrong weight or scheduler in the listing is the same difference', () => {
    const listing = [
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      `TCP  ${service.vip}:80 wrr`,
      `  -> ${web1!.address}:80            Tunnel  1      0          0`,
      `  -> ${web2!.address}:80            Tunnel  3      0          0`,
    ].join('\n');
    const difference = ipvsTableDifference(service, listedServiceAsRules(parseIpvsList(listing)[0]!));
    expect(difference.missing).toEqual([serviceRule, rule(web2)].sort());
    expect(difference.unexpected).toEqual([`-A -t ${service.vip}:80 -s wrr`, rule(web2, 3)].sort());
  });

  it('treats the default persistence netmask as no netmask, on either side', () => {
    const persistent = testTopology(['web1'], { persistence: 300, persistenceNetmask: '255.255.255.255' }).service;
    const saved = save([`-A -t ${persistent.vip}:80 -s rr -p 300`, `-a -t ${persistent.vip}:80 -r ${persistent.realServers[0]!.address}:80 -i -w 1`]);
    expect(ipvsTableDifference(persistent, saved)).toEqual({ missing: [], unexpected: [] });
  });
});
