import { describe, expect, it } from 'vitest';
import { countByRealServer, newConnections, parseIpvsConnections } from './ipvs-connections.js';
import { describeTableState, parseIpvsSave, realServerState } from './ipvs-save.js';

const saved = `-A -t 192.168.73.120:80 -s rr
-a -t 192.168.73.120:80 -r 192.168.73.110:80 -i -w 0 --tun-type ipip
-a -t 192.168.73.120:80 -r 192.168.73.111:80 -i -w 1 --tun-type ipip
`;

const connectionsBefore = `IPVS connection entries
pro expire state       source             virtual            destination
TCP 01:58  TIME_WAIT   192.168.73.50:47726 192.168.73.120:80  192.168.73.111:80
`;

const connectionsAfter = `IPVS connection entries
pro expire state       source             virtual            destination
TCP 01:58  TIME_WAIT   192.168.73.50:47726 192.168.73.120:80  192.168.73.111:80
TCP 00:09  CLOSE       192.168.73.50:47730 192.168.73.120:80  192.168.73.110:80
TCP 01:59  TIME_WAIT   192.168.73.50:47734 192.168.73.120:80  192.168.73.111:80
TCP 00:59  SYN_RECV    192.168.73.50:47740 192.168.73.120:80  192.168.73.110:80
`;

describe('reading the IPVS table for failover', () => {
  it('reads real servers and weights from ipvsadm-save', () => {
    const entries = parseIpvsSave(saved);
    expect(entries).toEqual([
      { service: '192.168.73.120:80', realServer: '192.168.73.110:80', weight: 0 },
      { service: '192.168.73.120:80', realServer: '192.168.73.111:80', weight: 1 },
    ]);
    expect(realServerState(entries, '192.168.73.110:80')).toEqual({ present: true, weight: 0 });
    expect(realServerState(entries, '192.168.73.112:80')).toEqual({ present: false });
    expect(describeTableState({ present: true, weight: 0 })).toBe('in the table with weight 0');
    expect(describeTableState({ present: false })).toBe('not in the table');
    expect(parseIpvsSave('')).toEqual([]);
  });

  it('reads the connection table, and which connections are new and where they went', () => {
    const before = parseIpvsConnections(connectionsBefore);
    expect(before).toEqual([{ protocol: 'TCP', expiresIn: 118, state: 'TIME_WAIT', client: '192.168.73.50:47726', virtual: '192.168.73.120:80', realServer: '192.168.73.111:80' }]);
    const fresh = newConnections(before, parseIpvsConnections(connectionsAfter));
    expect(fresh.map((connection) => connection.client)).toEqual(['192.168.73.50:47730', '192.168.73.50:47734', '192.168.73.50:47740']);
    expect(countByRealServer(fresh)).toEqual(new Map([['192.168.73.110:80', 2], ['192.168.73.111:80', 1]]));
    expect(parseIpvsConnections('IPVS connection entries\npro expire state source virtual destination\n')).toEqual([]);
  });
});
