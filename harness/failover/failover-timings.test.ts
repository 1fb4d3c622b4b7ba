import { describe, expect, it } from 'vitest';
import { formatFailoverRecord, formatFailoverTable } from './failover-timings.js';

describe('failover records', () => {
  it('is one JSON line per scenario, with missing timings as null', () => {
    expect(formatFailoverRecord({ scenario: 'real-server removal', ok: true, timings: { detectionMs: 1512, removalMs: 1691, lastFailureMs: undefined } })).toBe(
      '{"scenario":"real-server removal","ok":true,"detectionMs":1512,"removalMs":1691,"lastFailureMs":null}',
    );
  });

  it('lines records up as a table with a column for every timing any of them has', () => {
    expect(
      formatFailoverTable([
        { scenario: 'real-server removal', ok: true, timings: { detectionMs: 1512, removalMs: 1691 } },
        { scenario: 'director failover (uplink-down)', ok: false, timings: { vipMovedMs: 3755, removalMs: undefined } },
      ]),
    ).toBe(
      [
        'scenario                         ok   detectionMs  removalMs  vipMovedMs',
        'real-server removal              yes  1512         1691       -',
        'director failover (uplink-down)  NO   -            -          3755',
      ].join('\n'),
    );
  });
});
