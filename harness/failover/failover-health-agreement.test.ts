import { describe, expect, it } from 'vitest';
import type { HttpOutcome } from '../traffic/http-outcome.js';
import { testTopology } from '../topology/test-support/test-topology.js';
import { judgeHealthAgreement } from './failover-health-agreement.js';

const topology = testTopology(['web1', 'web2'], { rulesFrom: 'keepalived' });

const from = (server: string): HttpOutcome => ({ ok: true, status: 200, body: `this is ${server}\n`, ms: 3 });
const refused: HttpOutcome = { ok: false, error: 'ECONNREFUSED: connect ECONNREFUSED 192.168.73.120:80', ms: 2 };
const bothKept = [
  { server: 'web1', state: { present: true as const, weight: 1 } },
  { server: 'web2', state: { present: true as const, weight: 1 } },
];

describe("judging whether keepalived's health checks agree with the client", () => {
  it('passes when every real server keepalived keeps answered each connection the director gave it', () => {
    const verdict = judgeHealthAgreement(topology, {
      table: bothKept,
      connectionsGiven: new Map([['web1', 2], ['web2', 2]]),
      outcomes: ['web2', 'web1', 'web2', 'web1'].map(from),
    });
    expect(verdict).toEqual({
      property: 'health-check agreement',
      ok: true,
      message: 'every real server keepalived keeps answered each connection the director gave it: web1 2 of 2, web2 2 of 2',
    });
  });

  it('reports a real server that passes its health check while the connections given to it fail (a broken tunnel)', () => {
    const verdict = judgeHealthAgreement(topology, {
      table: bothKept,
      connectionsGiven: new Map([['web1', 4], ['web2', 4]]),
      outcomes: [refused, from('web2'), refused, from('web2'), refused, from('web2'), refused, from('web2')],
    });
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toBe(
      "web1 passes keepalived's health check (in the table with weight 1) but the client's requests to it through the VIP fail: " +
        '4 of the 4 connections the director gave it got no answer (answered of given: web1 0 of 4, web2 4 of 4; errors: ECONNREFUSED: connect ECONNREFUSED 192.168.73.120:80)',
    );
  });

  it('does not blame a server keepalived has taken out, and still fails on requests that failed elsewhere', () => {
    const verdict = judgeHealthAgreement(topology, {
      table: [{ server: 'web1', state: { present: false } }, bothKept[1]!],
      connectionsGiven: new Map([['web1', 0], ['web2', 3]]),
      outcomes: [from('web2'), refused, from('web2'), from('web2')],
    });
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toContain('1 of 4 requests failed, on no real server keepalived keeps');
    expect(verdict.message).not.toContain('web1 passes');
  });

  it('will not call a server healthy that was given no connection', () => {
    const verdict = judgeHealthAgreement(topology, {
      table: bothKept,
      connectionsGiven: new Map([['web1', 0], ['web2', 2]]),
      outcomes: [from('web2'), from('web2')],
    });
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toBe('cannot judge web1: the director gave it none of the 2 connections');
  });
});
