import { describe, expect, it } from 'vitest';
import type { HttpOutcome } from '../traffic/http-outcome.js';
import { testTopology } from '../topology/test-support/test-topology.js';
import { returnedAfter } from './test-support/real-server-return.js';
import { describeWitness, isTelling, type DirectorsWitness } from './directors-witness.js';
import { judgeRealServerReturn } from './failover-real-server.js';

const topology = testTopology(['web1', 'web2'], { rulesFrom: 'keepalived' });
const from = (server: string, localPort: number): HttpOutcome => ({ ok: true, status: 200, body: `this is ${server}\n`, localPort, ms: 3 });

// The round-8 failure's shape: web2 answered twice in a row, because for a moment a second
// director held the VIP and its own round-robin pointer answered.
const flap: DirectorsWitness = {
  keepalivedLines: [
    { director: 'lvs2', atMs: 310.4, line: '(VI_51) Entering MASTER STATE' },
    { director: 'lvs2', atMs: 322, line: 'Netlink reflector reports IP 192.168.73.120 added' },
    { director: 'lvs1', atMs: 401, line: '(VI_51) Received advert from 192.168.73.101 with lower priority 100, ours 150, forcing new election' },
    { director: 'lvs2', atMs: 420, line: '(VI_51) Entering BACKUP STATE' },
  ],
  vipHolders: ['lvs1'],
  connections: {
    lvs: [
      { protocol: 'TCP', expiresIn: 110, state: 'FIN_WAIT', client: '192.168.73.50:49312', virtual: '192.168.73.120:80', realServer: '192.168.73.110:80' },
      { protocol: 'TCP', expiresIn: 110, state: 'FIN_WAIT', client: '192.168.73.50:49314', virtual: '192.168.73.120:80', realServer: '192.168.73.111:80' },
      { protocol: 'TCP', expiresIn: 110, state: 'FIN_WAIT', client: '192.168.73.50:40000', virtual: '192.168.73.120:80', realServer: '192.168.73.111:80' },
      { protocol: 'TCP', expiresIn: 50, state: 'SYN_RECV', client: '192.168.73.50:49340', virtual: '192.168.73.120:80', realServer: '192.168.73.110:80' },
    ],
    lvs2: [{ protocol: 'TCP', expiresIn: 110, state: 'FIN_WAIT', client: '192.168.73.50:49320', virtual: '192.168.73.120:80', realServer: '192.168.73.111:80' }],
  },
};

describe("the directors' witness to a real-server scenario", () => {
  it('keeps the keepalived lines about VRRP and the table, not the chatter', () => {
    expect(isTelling('(VI_51) Entering MASTER STATE')).toBe(true);
    expect(isTelling('Removing service [192.168.73.110]:tcp:80 from VS [192.168.73.120]:tcp:80')).toBe(true);
    expect(isTelling('HTTP_CHECK on service [192.168.73.110]:tcp:80 failed after 1 retries.')).toBe(true);
    expect(isTelling('Netlink reflector reports IP 192.168.73.120 added')).toBe(false);
  });

  it("names each request's director and real server by client port, and the handshakes never finished", () => {
    const outcomes = [from('web1', 49312), from('web2', 49314), from('web2', 49320)];
    expect(describeWitness(topology, flap, outcomes, '192.168.73.50')).toBe(
      [
        'what the directors did meanwhile:',
        '  keepalived (ms from the start of the scenario):',
        '    +310 lvs2: (VI_51) Entering MASTER STATE',
        '    +401 lvs1: (VI_51) Received advert from 192.168.73.101 with lower priority 100, ours 150, forcing new election',
        '    +420 lvs2: (VI_51) Entering BACKUP STATE',
        "  the VIP's holders after the requests: lvs1",
        '  the client connections in each director table (client port -> real server, state):',
        '    lvs: 49312 -> web1 FIN_WAIT, 49314 -> web2 FIN_WAIT, 49340 -> web1 SYN_RECV',
        '    lvs2: 49320 -> web2 FIN_WAIT',
      ].join('\n'),
    );
  });

  it("ends a failed return's message, so the failure names its cause", () => {
    const verdict = judgeRealServerReturn(topology, returnedAfter(1_200, [from('web1', 49312), from('web2', 49314), from('web2', 49320), from('web1', 49332)], { witness: flap }));
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toContain('round-robin did not resume');
    expect(verdict.message).toContain('+310 lvs2: (VI_51) Entering MASTER STATE');
    expect(verdict.message).toContain('lvs2: 49320 -> web2 FIN_WAIT');
  });

  it('says so when keepalived said nothing telling and no director holds the VIP', () => {
    const quiet: DirectorsWitness = { keepalivedLines: [{ director: 'lvs', atMs: 5, line: 'Netlink reflector reports IP 192.168.73.120 added' }], vipHolders: [], connections: { lvs: [] } };
    const text = describeWitness(topology, quiet, [], '192.168.73.50');
    expect(text).toContain('    nothing about VRRP or health checks');
    expect(text).toContain("the VIP's holders after the requests: none");
    expect(text).toContain('    lvs: none of these requests');
  });
});
