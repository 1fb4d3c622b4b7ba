import { describe, expect, it } from 'vitest';
import { judgeDistribution, keysForCoverage, maskAddress, type DistributionInput, type JudgedConnection } from './distribution.js';
import { hash32, sourceHashBucket, sourceHashPick, sourceHashTable, wrrInitialState, wrrNext, type Destination } from './scheduler-model.js';
import type { Scheduler } from '../topology/topology.js';

/** Real servers in the kernel's list order (the last added first). */
function destinations(...weights: number[]): Destination[] {
  return weights.map((weight, index) => ({ server: `web${index + 1}`, address: `192.168.73.${110 + index}`, weight, active: 0, inactive: 0 }));
}

function input(scheduler: Scheduler, dests: Destination[], answers: Array<string | undefined>, sources: string[] = ['192.168.73.50'], extra: Partial<DistributionInput> = {}): DistributionInput {
  const connections: JudgedConnection[] = answers.map((server, index) => ({ source: sources[index % sources.length]!, port: 10000 + index, server, ...(server ? {} : { error: 'CONNECT_TIMEOUT' }) }));
  return { scheduler, vip: '192.168.73.120', destinations: dests, connections, ...extra };
}

/** What wrr gives from a new service, n turns. */
function wrrSequence(dests: Destination[], count: number): string[] {
  let state = wrrInitialState(dests);
  const out: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const next = wrrNext(dests, state)!;
    out.push(dests[next.index]!.server);
    state = next.state;
  }
  return out;
}

describe('the kernel schedulers, modelled', () => {
  it("wrr: ip_vs_wrr_schedule's order from a new service, weights in list order", () => {
    expect(wrrSequence(destinations(3, 1), 8)).toEqual(['web1', 'web1', 'web1', 'web2', 'web1', 'web1', 'web1', 'web2']);
    expect(wrrSequence(destinations(2, 3, 1), 6)).toEqual(['web2', 'web1', 'web2', 'web1', 'web2', 'web3']);
    expect(wrrSequence(destinations(2, 4), 6)).toEqual(['web2', 'web1', 'web2', 'web2', 'web1', 'web2']);
    expect(wrrSequence(destinations(1, 0, 1), 4)).toEqual(['web1', 'web3', 'web1', 'web3']);
  });

  it("sh: hash_32 by the golden ratio, 256 buckets dealt by weight in list order", () => {
    expect(hash32(1, 8)).toBe(0x61);
    const table = sourceHashTable(destinations(2, 1));
    expect(table.slice(0, 6)).toEqual(['web1', 'web1', 'web2', 'web1', 'web1', 'web2']);
    expect(table).toHaveLength(256);
    const bucket = sourceHashBucket('192.168.73.50');
    expect(sourceHashPick(destinations(2, 1), '192.168.73.50')).toMatchObject({ kind: 'one', server: table[bucket] });
  });

  it('masks client addresses for persistence granularity', () => {
    expect(maskAddress('192.168.73.57', '255.255.255.0')).toBe('192.168.73.0');
    expect(maskAddress('192.168.73.57', '255.255.255.255')).toBe('192.168.73.57');
  });

  it('asks mh for enough client addresses that missing a real server by chance is below one in a million', () => {
    expect(keysForCoverage([1, 1])).toBe(21);
    expect(keysForCoverage([1, 1, 1, 1, 1, 1, 1, 1])).toBeGreaterThan(100);
    expect(keysForCoverage([1])).toBe(1);
  });
});

describe('judging a distribution by the scheduler\'s promise', () => {
  it('rr: takes turns in list order from wherever it stood; out of turn fails naming round-robin and the turn', () => {
    expect(judgeDistribution(input('rr', destinations(1, 1), ['web2', 'web1', 'web2', 'web1']))).toMatchObject({ property: 'round-robin', ok: true });
    const broken = judgeDistribution(input('rr', destinations(1, 1), ['web2', 'web2', 'web1', 'web1']));
    expect(broken.ok).toBe(false);
    expect(broken.message).toContain("broke rr's promise");
    expect(broken.message).toContain('connection 2. 192.168.73.50:10001 was answered by web2; rr promised web1');
    expect(broken.message).toContain('seen web1 2, web2 2');
  });

  it('rr: weight 0 is never chosen', () => {
    expect(judgeDistribution(input('rr', destinations(1, 0, 1), ['web1', 'web3', 'web1', 'web3'])).ok).toBe(true);
    const broken = judgeDistribution(input('rr', destinations(1, 0, 1), ['web1', 'web2', 'web3', 'web1']));
    expect(broken.message).toContain('was answered by web2');
  });

  it("wrr: the kernel's exact order and shares per cycle of the weights", () => {
    const verdict = judgeDistribution(input('wrr', destinations(3, 1), ['web1', 'web1', 'web1', 'web2', 'web1', 'web1', 'web1', 'web2']));
    expect(verdict).toMatchObject({ property: 'distribution (wrr)', ok: true });
    expect(verdict.distribution.seen).toEqual({ web1: 6, web2: 2 });
    // Starting anywhere in the cycle is fine: the position before the batch is not known.
    expect(judgeDistribution(input('wrr', destinations(3, 1), ['web1', 'web2', 'web1', 'web1', 'web1', 'web2'])).ok).toBe(true);
    // A service built one real server at a time starts off the cycle (cw at the first weight added).
    expect(judgeDistribution(input('wrr', destinations(2, 3, 1), ['web1', 'web2', 'web3', 'web2', 'web1', 'web2', 'web1', 'web2', 'web3'])).ok).toBe(true);
    const equalShares = judgeDistribution(input('wrr', destinations(3, 1), ['web1', 'web2', 'web1', 'web2', 'web1', 'web2']));
    expect(equalShares.ok).toBe(false);
    expect(equalShares.message).toMatch(/broke wrr's promise .*seen web1 3, web2 3/);
  });

  it('lc and wlc: the fewest connections (per weight), ties to the first in list order', () => {
    expect(judgeDistribution(input('lc', destinations(1, 1, 1), ['web1', 'web2', 'web3', 'web1', 'web2', 'web3'])).ok).toBe(true);
    const busy = destinations(1, 1);
    busy[0]!.inactive = 2;
    expect(judgeDistribution(input('lc', busy, ['web2', 'web2', 'web1', 'web2'])).ok).toBe(true);
    const wlc = judgeDistribution(input('wlc', destinations(2, 1), ['web1', 'web2', 'web1', 'web1', 'web2', 'web1']));
    expect(wlc).toMatchObject({ ok: true, distribution: { expected: { web1: 4, web2: 2 } } });
    const broken = judgeDistribution(input('wlc', destinations(2, 1), ['web1', 'web2', 'web2', 'web1', 'web2', 'web1']));
    expect(broken.ok).toBe(false);
    expect(broken.message).toContain('expected web1 4, web2 2; seen web1 3, web2 3');
  });

  it('sed and nq: with every connection closed before the next, all go to the heaviest (sed) or the first idle (nq)', () => {
    expect(judgeDistribution(input('sed', destinations(1, 3, 3), ['web2', 'web2', 'web2', 'web2'])).ok).toBe(true);
    expect(judgeDistribution(input('nq', destinations(1, 3), ['web1', 'web1', 'web1'])).ok).toBe(true);
    const broken = judgeDistribution(input('sed', destinations(1, 3), ['web2', 'web1', 'web2']));
    expect(broken.message).toContain("broke sed's promise");
  });

  it('fo and ovf: the highest weight available', () => {
    expect(judgeDistribution(input('fo', destinations(1, 5, 5), ['web2', 'web2', 'web2'])).ok).toBe(true);
    expect(judgeDistribution(input('fo', destinations(1, 5), ['web2', 'web1'])).ok).toBe(false);
    const overflowing = destinations(2, 1);
    overflowing[0]!.active = 3;
    expect(judgeDistribution(input('ovf', overflowing, ['web2', 'web2'])).ok).toBe(true);
  });

  it('sh: each client address where its hash bucket says', () => {
    const sources = Array.from({ length: 16 }, (_, index) => `192.168.73.${150 + index}`);
    const dests = destinations(1, 1, 1);
    const answers = sources.map((source) => (sourceHashPick(dests, source) as { server: string }).server);
    expect(judgeDistribution(input('sh', dests, [...answers, ...answers], [...sources, ...sources])).ok).toBe(true);
    const swapped = answers.map((server) => (server === 'web1' ? 'web2' : server === 'web2' ? 'web1' : server));
    const broken = judgeDistribution(input('sh', dests, swapped, sources));
    expect(broken.ok).toBe(false);
    expect(broken.message).toMatch(/hashes to bucket \d+ of web/);
  });

  it('mh, dh, lblc, lblcr: one key, one real server', () => {
    const sources = ['192.168.73.50', '192.168.73.51'];
    expect(judgeDistribution(input('mh', destinations(1, 1), ['web1', 'web2', 'web1', 'web2'], sources)).ok).toBe(true);
    expect(judgeDistribution(input('mh', destinations(1, 1), ['web1', 'web2', 'web2', 'web2'], sources)).ok).toBe(false);
    for (const scheduler of ['lblc', 'lblcr'] as const) {
      expect(judgeDistribution(input(scheduler, destinations(1, 1), ['web2', 'web2', 'web2'])).ok).toBe(true);
      const broken = judgeDistribution(input(scheduler, destinations(1, 1), ['web2', 'web1', 'web2']));
      expect(broken.message).toContain(`${scheduler} keeps 192.168.73.120 on web2`);
    }
    // dh: the VIP's bucket, dealt one real server each in list order.
    const dh = destinations(1, 1, 1);
    const bucket = sourceHashBucket('192.168.73.120');
    const owner = dh[bucket % 3]!.server;
    expect(judgeDistribution(input('dh', dh, [owner, owner, owner])).ok).toBe(true);
    const other = dh[(bucket + 1) % 3]!.server;
    expect(judgeDistribution(input('dh', dh, [other, other])).message).toContain(`dh hashes 192.168.73.120 to bucket ${bucket} of ${owner}`);
  });

  it('mh over enough client addresses gives every real server some', () => {
    const sources = Array.from({ length: keysForCoverage([1, 1]) }, (_, index) => `192.168.73.${150 + index}`);
    const verdict = judgeDistribution(input('mh', destinations(1, 1), sources.map(() => 'web1'), sources));
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toContain('mh gave web2 none of 21 client addresses');
  });

  it('persistence: a client network sticks to one real server, new ones scheduled in turn', () => {
    const persistent = { persistence: { netmask: '255.255.255.255' } };
    const sources = ['192.168.73.50', '192.168.73.51'];
    const verdict = judgeDistribution(input('rr', destinations(1, 1), ['web1', 'web2', 'web1', 'web2'], sources, persistent));
    expect(verdict).toMatchObject({ property: 'distribution (rr, persistent)', ok: true });
    const broken = judgeDistribution(input('rr', destinations(1, 1), ['web1', 'web2', 'web2', 'web1'], sources, persistent));
    expect(broken.message).toContain('persistence keeps 192.168.73.50 on web1');
    const templates = new Map([['192.168.73.0', 'web2']]);
    const masked = { persistence: { netmask: '255.255.255.0' }, templates };
    expect(judgeDistribution(input('wlc', destinations(1, 1), ['web2', 'web2', 'web2'], sources, masked)).ok).toBe(true);
  });

  it('a connection that got no answer breaks any promise, named with its error; the turns go on past it', () => {
    const verdict = judgeDistribution(input('rr', destinations(1, 1), ['web2', undefined, 'web2', undefined]));
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toContain('2 of 4 connections broke');
    expect(verdict.message).toContain('connection 2. 192.168.73.50:10001 got no answer (CONNECT_TIMEOUT); rr promised web1');
    expect(verdict.message).toContain('connection 4. 192.168.73.50:10003 got no answer (CONNECT_TIMEOUT); rr promised web1');
    // The very first connection lost: the position is still followed.
    const first = judgeDistribution(input('rr', destinations(1, 1), [undefined, 'web1', undefined, 'web1']));
    expect(first.message).toContain('2 of 4 connections broke');
    expect(first.message).toContain('connection 3. 192.168.73.50:10002 got no answer (CONNECT_TIMEOUT); rr promised web2');
  });
});
