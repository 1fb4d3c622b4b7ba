import { describe, expect, it } from 'vitest';
import { judgeRoundRobin } from './round-robin.js';
import { testTopology } from '../topology/test-support/test-topology.js';
import type { HttpOutcome } from '../traffic/http-outcome.js';

const topology = testTopology();

const from = (server: string): HttpOutcome => ({ ok: true, status: 200, body: `this is ${server}\n`, ms: 1 });
const timeout: HttpOutcome = { ok: false, error: 'CONNECT_TIMEOUT: no connection within 1500 ms', ms: 1500 };

describe('judging round-robin', () => {
  it('passes answers that alternate with equal shares', () => {
    const verdict = judgeRoundRobin(topology, ['web2', 'web1', 'web2', 'web1'].map(from));
    expect(verdict).toMatchObject({ property: 'round-robin', ok: true });
    expect(verdict.message).toContain('web1 2, web2 2');
  });

  it('fails when one real server never answers, naming it', () => {
    const verdict = judgeRoundRobin(topology, [from('web1'), timeout, from('web1'), timeout]);
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toContain('2 of 4 connections got no answer');
    expect(verdict.message).toContain('web2 answered fewer than 2');
    expect(verdict.message).toContain('CONNECT_TIMEOUT: no connection within 1500 ms');
  });

  it('fails when one server takes every connection', () => {
    const verdict = judgeRoundRobin(topology, ['web1', 'web1', 'web1', 'web1'].map(from));
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toContain('do not take turns');
  });

  it('fails when shares are equal but turns are not taken', () => {
    expect(judgeRoundRobin(topology, ['web1', 'web1', 'web2', 'web2'].map(from)).ok).toBe(false);
  });

  it('fails on an answer from an unknown server', () => {
    const verdict = judgeRoundRobin(topology, [from('web1'), from('web2'), from('web9'), from('web2')]);
    expect(verdict.message).toContain('1 answers came from no listed real server');
  });

  it('refuses to judge too few connections', () => {
    expect(judgeRoundRobin(topology, [from('web1')]).message).toContain('needs at least 4 connections');
  });
});
