// A real server's return as the measurement observes it, for the judgement's unit tests: web1
// back in the table with weight 1 after `returnedMs`, and the requests made afterwards.
import type { HttpOutcome } from '../../traffic/http-outcome.js';
import type { RealServerReturnObservation } from '../failover-real-server.js';

export function returnedAfter(returnedMs: number, outcomes: HttpOutcome[], extra: Partial<RealServerReturnObservation> = {}): RealServerReturnObservation {
  return { server: 'web1', weight: 1, returnedMs, finalState: { present: true, weight: 1 }, waitedMs: Math.ceil(returnedMs), outcomes, ...extra };
}
