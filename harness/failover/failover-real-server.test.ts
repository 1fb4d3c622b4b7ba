import { describe, expect, it } from 'vitest';
import type { HttpOutcome } from '../traffic/http-outcome.js';
import { testTopology } from '../topology/test-support/test-topology.js';
import { returnedAfter } from './test-support/real-server-return.js';
import {
  judgeRealServerFailover,
  judgeRealServerReturn,
  realServerFailoverTimings,
  type RealServerFailoverObservation,
  type TimedOutcome,
} from './failover-real-server.js';

const topology = testTopology(['web1', 'web2'], { rulesFrom: 'keepalived' });

const from = (server: string): HttpOutcome => ({ ok: true, status: 200, body: `this is ${server}\n`, ms: 3 });
const refused: HttpOutcome = { ok: false, error: 'ECONNREFUSED: connect ECONNREFUSED 192.168.73.120:80', ms: 2 };
const at = (startedMs: number, outcome: HttpOutcome): TimedOutcome => ({ startedMs, endedMs: startedMs + 40, outcome });

const removal: RealServerFailoverObservation = {
  server: 'web1',
  expected: 'removed',
  detectedMs: 1_512.4,
  takenOutLoggedMs: 1_514,
  removedMs: 1_690.6,
  finalState: { present: false },
  waitedMs: 1_691,
  duringDetection: [at(30, from('web2')), at(250, refused), at(500, from('web2')), at(800, refused), at(1_100, from('web2'))],
  afterRemoval: Array(6).fill(from('web2')),
};

describe('judging a real-server failover', () => {
  it('passes when keepalived took the server out and every later request was answered by the others', () => {
    const verdict = judgeRealServerFailover(topology, removal);
    expect(verdict).toMatchObject({ property: 'real-server failover', ok: true });
    expect(verdict.message).toBe(
      'web1 was taken out of the IPVS table 1691 ms after its HTTP server stopped (keepalived logged the failed check after 1512 ms); ' +
        '2 of 5 requests failed meanwhile; all 6 requests after the removal were answered by web2',
    );
  });

  it('reports the timings: detection, removal and the failed requests meanwhile', () => {
    expect(realServerFailoverTimings(removal)).toEqual({
      detectionMs: 1512,
      takenOutLoggedMs: 1514,
      removalMs: 1691,
      requestsDuringDetection: 5,
      failedDuringDetection: 2,
      lastFailureMs: 840,
      failedAfterRemoval: 0,
    });
  });

  it('fails when keepalived never took the server out (no health check), naming the property, the server and the failed requests', () => {
    const verdict = judgeRealServerFailover(topology, {
      ...removal,
      detectedMs: undefined,
      takenOutLoggedMs: undefined,
      removedMs: undefined,
      finalState: { present: true, weight: 1 },
      waitedMs: 6_000,
      afterRemoval: [refused, from('web2'), refused, from('web2')],
    });
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toMatch(
      /^web1's HTTP server stopped; keepalived never took web1 out of the IPVS table: it was still in the table with weight 1 6000 ms after its HTTP server stopped; 2 of 4 requests after the 6000 ms wait failed\n/,
    );
    expect(verdict.message).toContain('2. web2');
    expect(verdict.message).toContain('3. no answer: ECONNREFUSED');
  });

  it('with inhibit_on_failure, passes on weight 0 and fails when the weight never changed or the server was removed instead', () => {
    const inhibited: RealServerFailoverObservation = { ...removal, expected: 'weight-0', finalState: { present: true, weight: 0 } };
    expect(judgeRealServerFailover(topology, inhibited).message).toContain('web1 was set to weight 0 (inhibit_on_failure) 1691 ms after');
    const never = judgeRealServerFailover(topology, { ...inhibited, removedMs: undefined, finalState: { present: true, weight: 1 }, waitedMs: 6_000 });
    expect(never.ok).toBe(false);
    expect(never.message).toContain("keepalived never set web1's weight to 0 (inhibit_on_failure): it was still in the table with weight 1 6000 ms after");
    const removedInstead = judgeRealServerFailover(topology, { ...inhibited, finalState: { present: false } });
    expect(removedInstead.message).toContain('with inhibit_on_failure web1 should stay in the table with weight 0, but it is not in the table');
  });

  it('fails on a failed request after the removal even when the removal happened', () => {
    const verdict = judgeRealServerFailover(topology, { ...removal, afterRemoval: [from('web2'), refused, from('web2')] });
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toContain('1 of 3 requests after the removal failed');
  });

  it('fails when the removed server still answers, or too few requests were made to judge', () => {
    expect(judgeRealServerFailover(topology, { ...removal, afterRemoval: [from('web2'), from('web1')] }).message).toContain(
      '1 of 2 requests after the removal were answered by web1, not by web2',
    );
    expect(judgeRealServerFailover(topology, { ...removal, afterRemoval: [from('web2')] }).message).toContain('needs at least 2 requests after the removal');
  });
});

describe("judging a real server's return", () => {
  it('passes when it is back with its weight and round-robin resumed', () => {
    const verdict = judgeRealServerReturn(topology, returnedAfter(2_051.2, ['web1', 'web2', 'web1', 'web2'].map(from)));
    expect(verdict).toMatchObject({ property: 'real-server return', ok: true });
    expect(verdict.message).toBe('web1 came back into the table with weight 1 2051 ms after its HTTP server started; round-robin resumed: 4 connections, answers took turns: web1 2, web2 2');
  });

  it('fails when it never came back, or round-robin did not resume', () => {
    const never = judgeRealServerReturn(topology, { server: 'web1', weight: 1, finalState: { present: false }, waitedMs: 20_000, outcomes: [] });
    expect(never.message).toBe('web1 did not come back: it was still not in the table, not in it with weight 1, 20000 ms after its HTTP server started again');
    const lopsided = judgeRealServerReturn(topology, returnedAfter(900, ['web2', 'web2', 'web2', 'web2'].map(from)));
    expect(lopsided.ok).toBe(false);
    expect(lopsided.message).toContain('web1 is back in the table, but round-robin did not resume: answers do not take turns');
  });
});
