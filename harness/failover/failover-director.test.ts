import { describe, expect, it } from 'vitest';
import type { HttpOutcome } from '../traffic/http-outcome.js';
import { validateTopologyData } from '../topology/load-topology.js';
import { judgeVipHandover, vipHandoverTimings, type VipHandoverObservation } from './failover-director.js';
import type { TimedOutcome } from './failover-real-server.js';

const hosts = {
  client: { role: 'client', address: '192.168.73.50' },
  lvs1: { role: 'director', address: '192.168.73.100', vrrpPriority: 150 },
  lvs2: { role: 'director', address: '192.168.73.101', vrrpPriority: 100 },
  web1: { role: 'real-server', address: '192.168.73.110' },
  web2: { role: 'real-server', address: '192.168.73.111' },
};
const service = { vip: '192.168.73.120', rulesFrom: 'keepalived', vrrp: {}, realServers: [{ host: 'web1' }, { host: 'web2' }] };
const topology = validateTopologyData({ segment: { subnet: '192.168.73.0/24' }, hosts, service });
const lvs1Mac = '02:4c:c0:a8:49:64';
const lvs2Mac = '02:4c:c0:a8:49:65';

const ok = (server: string): HttpOutcome => ({ ok: true, status: 200, body: `this is ${server}\n`, ms: 5 });
const timedOut: HttpOutcome = { ok: false, error: 'CONNECT_TIMEOUT: no connection within 500 ms', ms: 500 };
const request = (startedMs: number, endedMs: number, outcome: HttpOutcome): TimedOutcome => ({ startedMs, endedMs, outcome });

const failover: VipHandoverObservation = {
  kind: 'failover',
  from: 'lvs1',
  to: 'lvs2',
  action: "lvs1's uplink went down",
  holdersBefore: ['lvs1'],
  holdersAfter: ['lvs2'],
  vipMovedMs: 3_755.2,
  masterLoggedMs: 3_745,
  clientMac: lvs2Mac,
  requests: [
    request(10, 40, ok('web1')),
    request(530, 1_732, timedOut),
    request(1_744, 2_967, timedOut),
    request(2_986, 3_998, timedOut),
    request(4_022, 4_035.4, ok('web2')),
  ],
  waitedMs: 4_036,
  after: ['web1', 'web2', 'web1', 'web2'].map(ok),
  connectionsThrough: { lvs1: 0, lvs2: 4 },
};

describe('judging a director failover', () => {
  it('passes when the VIP moved to the backup, the client ARP-follows it and new connections go through it', () => {
    const verdict = judgeVipHandover(topology, failover);
    expect(verdict).toMatchObject({ property: 'director failover', ok: true });
    expect(verdict.message).toBe(
      "the VIP moved from lvs1 to lvs2 3755 ms after lvs1's uplink went down; the client's ARP cache follows lvs2; " +
        '3 of 5 requests failed meanwhile, the first success through lvs2 ended at 4035 ms; all 4 new connections were answered through lvs2',
    );
  });

  it('measures the interruption: from the first failed request to the first success after the last failure', () => {
    expect(vipHandoverTimings(failover)).toEqual({
      vipMovedMs: 3755,
      masterLoggedMs: 3745,
      firstSuccessMs: 4035,
      failedRequests: 3,
      requests: 5,
      interruptionMs: 3505,
    });
    expect(vipHandoverTimings({ ...failover, requests: [request(0, 20, ok('web1'))] }).interruptionMs).toBe(0);
    // Failures that never ended: no interruption length to give.
    expect(vipHandoverTimings({ ...failover, vipMovedMs: undefined, requests: [request(0, 500, timedOut)] })).toMatchObject({ interruptionMs: undefined, firstSuccessMs: undefined });
  });

  it('notes a crashed master that still holds the address', () => {
    expect(judgeVipHandover(topology, { ...failover, holdersAfter: ['lvs1', 'lvs2'] }).message).toContain('(lvs1 still holds the address too: nothing removed it)');
  });

  it('fails when there is no backup to take over, naming the property', () => {
    const { lvs2: _backup, ...withoutBackup } = hosts;
    const lone = validateTopologyData({ segment: { subnet: '192.168.73.0/24' }, hosts: withoutBackup, service });
    const verdict = judgeVipHandover(lone, {
      ...failover,
      to: undefined,
      holdersAfter: [],
      vipMovedMs: undefined,
      requests: [request(0, 500, timedOut), request(510, 1_010, timedOut)],
      waitedMs: 6_000,
      after: [timedOut],
      connectionsThrough: { lvs1: 0 },
    });
    expect(verdict).toMatchObject({ property: 'director failover', ok: false });
    expect(verdict.message).toBe(
      "no director took over the VIP within 6000 ms after lvs1's uplink went down (there is no other director to take it; the VIP is on no director); 2 of 2 requests failed meanwhile",
    );
  });

  it('fails when the VIP did not move, or was not held by the master alone before', () => {
    expect(judgeVipHandover(topology, { ...failover, vipMovedMs: undefined, holdersAfter: ['lvs1'], waitedMs: 20_000 }).message).toMatch(
      /^the VIP did not move to lvs2 within 20000 ms after lvs1's uplink went down: it is on lvs1; 3 of 5 requests failed meanwhile$/,
    );
    expect(judgeVipHandover(topology, { ...failover, holdersBefore: ['lvs1', 'lvs2'] }).message).toBe(
      "before lvs1's uplink went down, the VIP should have been on lvs1 alone, but it was on lvs1 and lvs2",
    );
  });

  it("fails when the client's ARP cache still points at the old master", () => {
    const verdict = judgeVipHandover(topology, { ...failover, clientMac: lvs1Mac });
    expect(verdict.message).toBe(
      `the VIP moved to lvs2, but the client's ARP cache sends it to ${lvs1Mac} (lvs1), not to lvs2's ${lvs2Mac}: no gratuitous ARP reached it`,
    );
  });

  it('fails when new connections fail or do not go through the new holder', () => {
    expect(judgeVipHandover(topology, { ...failover, after: [ok('web1'), timedOut] }).message).toBe(
      'the VIP moved to lvs2, but 1 of 2 new connections after the handover failed (CONNECT_TIMEOUT: no connection within 500 ms)',
    );
    expect(judgeVipHandover(topology, { ...failover, connectionsThrough: { lvs1: 4, lvs2: 0 } }).message).toBe(
      "only 0 of the 4 connections after the handover went through lvs2's IPVS (through lvs1 4)",
    );
  });
});

describe("judging the master's return", () => {
  const back: VipHandoverObservation = {
    ...failover,
    kind: 'return',
    from: 'lvs2',
    to: 'lvs1',
    action: "lvs1's uplink came back up",
    holdersBefore: ['lvs2'],
    holdersAfter: ['lvs1'],
    clientMac: lvs1Mac,
    requests: [request(10, 30, ok('web1'))],
    connectionsThrough: { lvs1: 4, lvs2: 0 },
  };

  it('passes when the master took the VIP back and the backup let it go', () => {
    expect(judgeVipHandover(topology, back)).toMatchObject({ property: 'director return', ok: true });
  });

  it('accepts a stale copy of the VIP on the returning master, left by its crash, but not the VIP elsewhere', () => {
    expect(judgeVipHandover(topology, { ...back, holdersBefore: ['lvs1', 'lvs2'] }).ok).toBe(true);
    expect(judgeVipHandover(topology, { ...back, holdersBefore: ['lvs1'] }).message).toBe("before lvs1's uplink came back up, the VIP should have been on lvs2, but it was on lvs1");
  });

  it('fails when the backup kept the VIP as well', () => {
    expect(judgeVipHandover(topology, { ...back, holdersAfter: ['lvs1', 'lvs2'] }).message).toBe('lvs1 took the VIP back, but it is also still on lvs2');
  });
});
