// keepalived checks a real server on its own address; the client reaches it through the VIP
// and the tunnel. The two can disagree: a real server whose HTTP server answers but whose
// tunl0 is down passes every health check, stays in the table, and fails every connection the
// director gives it. This judgement sets keepalived's view (the table) beside the client's
// (which connections IPVS gave each real server, and which were answered). Pure.
import type { HttpOutcome } from '../traffic/http-outcome.js';
import type { Topology } from '../topology/topology.js';
import { describeTableState, type TableState } from '../kernel-state/ipvs-save.js';
import { identifyAnswers } from '../verdicts/round-robin.js';
import type { Verdict } from '../verdicts/verdict.js';

export interface HealthAgreementObservation {
  /** Each real server's place in the director's table after the requests: keepalived's view. */
  table: Array<{ server: string; state: TableState }>;
  /** How many of the client's connections IPVS gave each real server (new entries of `ipvsadm -Lnc`). */
  connectionsGiven: Map<string, number>;
  /** The client's requests to the VIP. */
  outcomes: HttpOutcome[];
}

export function judgeHealthAgreement(topology: Topology, observation: HealthAgreementObservation): Verdict {
  const property = 'health-check agreement';
  const answers = identifyAnswers(topology, observation.outcomes);
  const answeredBy = (server: string) => answers.filter((answer) => answer.server === server).length;
  const kept = observation.table.filter(({ state }) => state.present && state.weight > 0);
  const silent = kept
    .map(({ server, state }) => ({ server, state, given: observation.connectionsGiven.get(server) ?? 0, answered: answeredBy(server) }))
    .filter(({ given, answered }) => given > answered);
  const tally = kept.map(({ server }) => `${server} ${answeredBy(server)} of ${observation.connectionsGiven.get(server) ?? 0}`).join(', ');
  const failures = answers.filter((answer) => !answer.outcome.ok).map((answer) => answer.outcome.error);
  const errors = [...new Set(failures)].slice(0, 3).join('; ');

  if (silent.length > 0) {
    const findings = silent.map(
      ({ server, state, given, answered }) =>
        `${server} passes keepalived's health check (${describeTableState(state)}) but the client's requests to it through the VIP fail: ` +
        `${given - answered} of the ${given} connections the director gave it got no answer`,
    );
    return { property, ok: false, message: `${findings.join('; ')} (answered of given: ${tally}${errors ? `; errors: ${errors}` : ''})` };
  }
  if (failures.length > 0) {
    return { property, ok: false, message: `${failures.length} of ${answers.length} requests failed, on no real server keepalived keeps (answered of given: ${tally}; errors: ${errors})` };
  }
  const unused = kept.filter(({ server }) => (observation.connectionsGiven.get(server) ?? 0) === 0).map(({ server }) => server);
  if (unused.length > 0) {
    return { property, ok: false, message: `cannot judge ${unused.join(', ')}: the director gave ${unused.length > 1 ? 'them' : 'it'} none of the ${answers.length} connections` };
  }
  return { property, ok: true, message: `every real server keepalived keeps answered each connection the director gave it: ${tally}` };
}
