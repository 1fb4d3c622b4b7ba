// Judges a real server's failover under keepalived from what was observed: its HTTP server
// stopped, keepalived took it out of the IPVS table (or set its weight to 0 with
// inhibit_on_failure), and from then on every request was answered by the others, none failed.
// And its return: back in the table with its weight, round-robin over all again. Pure.
import type { HttpOutcome } from '../traffic/http-outcome.js';
import { clientHost, type Topology } from '../topology/topology.js';
import { identifyAnswers, judgeRoundRobin } from '../verdicts/round-robin.js';
import { describeTableState, type TableState } from '../kernel-state/ipvs-save.js';
import type { Verdict } from '../verdicts/verdict.js';
import { describeWitness, type DirectorsWitness } from './directors-witness.js';

/** A request made while waiting, with when it started and ended (ms after the fault). */
export interface TimedOutcome {
  startedMs: number;
  endedMs: number;
  outcome: HttpOutcome;
}

export interface RealServerFailoverObservation {
  /** The real server whose HTTP server was stopped. */
  server: string;
  /** What keepalived should do: remove it, or (inhibit_on_failure) keep it with weight 0. */
  expected: 'removed' | 'weight-0';
  /** When keepalived logged the failed check, ms after the HTTP server stopped. */
  detectedMs?: number;
  /** When keepalived logged taking it out. */
  takenOutLoggedMs?: number;
  /** When the director's table was first seen with the expected change; undefined if never. */
  removedMs?: number;
  /** Its place in the table when the wait ended. */
  finalState: TableState;
  /** How long the harness waited for the change. */
  waitedMs: number;
  /** Requests made while waiting for keepalived. */
  duringDetection: TimedOutcome[];
  /** Requests made once the change was seen (or once the wait gave up). */
  afterRemoval: HttpOutcome[];
  /** What every director did meanwhile, for the message when the failover fails. */
  witness?: DirectorsWitness;
}

/** The failover's numbers, for results and benchmarks; measured, never asserted. */
export function realServerFailoverTimings(observation: RealServerFailoverObservation) {
  const failed = observation.duringDetection.filter((request) => !request.outcome.ok);
  return {
    detectionMs: round(observation.detectedMs),
    takenOutLoggedMs: round(observation.takenOutLoggedMs),
    removalMs: round(observation.removedMs),
    requestsDuringDetection: observation.duringDetection.length,
    failedDuringDetection: failed.length,
    lastFailureMs: round(failed.at(-1)?.endedMs),
    failedAfterRemoval: observation.afterRemoval.filter((outcome) => !outcome.ok).length,
  };
}

export function judgeRealServerFailover(topology: Topology, observation: RealServerFailoverObservation): Verdict {
  const property = 'real-server failover';
  const { server } = observation;
  const remaining = topology.service.realServers.filter((entry) => entry.host !== server && entry.weight > 0).map((entry) => entry.host);
  const answers = identifyAnswers(topology, observation.afterRemoval);
  const failed = answers.filter((answer) => !answer.outcome.ok);
  const strays = answers.filter((answer) => answer.outcome.ok && !remaining.includes(answer.server ?? ''));
  const after = observation.removedMs === undefined ? `the ${observation.waitedMs} ms wait` : 'the removal';
  const change = observation.expected === 'removed' ? 'taken out of the IPVS table' : 'set to weight 0 (inhibit_on_failure)';

  const problems: string[] = [];
  if (observation.removedMs === undefined) {
    const never = observation.expected === 'removed' ? `took ${server} out of the IPVS table` : `set ${server}'s weight to 0 (inhibit_on_failure)`;
    problems.push(`keepalived never ${never}: it was still ${describeTableState(observation.finalState)} ${observation.waitedMs} ms after its HTTP server stopped`);
  } else if (observation.expected === 'weight-0' && !(observation.finalState.present && observation.finalState.weight === 0)) {
    problems.push(`with inhibit_on_failure ${server} should stay in the table with weight 0, but it is ${describeTableState(observation.finalState)}`);
  }
  if (answers.length < 2) problems.push(`needs at least 2 requests after ${after} to judge, got ${answers.length}`);
  if (failed.length > 0) problems.push(`${failed.length} of ${answers.length} requests after ${after} failed`);
  if (strays.length > 0) {
    problems.push(`${strays.length} of ${answers.length} requests after ${after} were answered by ${[...new Set(strays.map((answer) => answer.server ?? 'an unknown server'))].join(', ')}, not by ${remaining.join(' or ')}`);
  }
  const sequence = answers.map((answer, index) => `  ${index + 1}. ${answer.outcome.ok ? (answer.server ?? 'unrecognised') : `no answer: ${answer.outcome.error}`}`).join('\n');
  if (problems.length > 0) return { property, ok: false, message: `${server}'s HTTP server stopped; ${problems.join('; ')}\n${sequence}${witnessed(topology, observation.witness, observation.afterRemoval)}` };

  const timings = realServerFailoverTimings(observation);
  const detected = timings.detectionMs === undefined ? '' : ` (keepalived logged the failed check after ${timings.detectionMs} ms)`;
  return {
    property,
    ok: true,
    message:
      `${server} was ${change} ${timings.removalMs} ms after its HTTP server stopped${detected}; ` +
      `${timings.failedDuringDetection} of ${timings.requestsDuringDetection} requests failed meanwhile; ` +
      `all ${answers.length} requests after the removal were answered by ${remaining.join(' or ')}`,
  };
}

export interface RealServerReturnObservation {
  server: string;
  /** The weight the topology gives it. */
  weight: number;
  /** When the table was first seen with it back at its weight, ms after its HTTP server started; undefined if never. */
  returnedMs?: number;
  finalState: TableState;
  waitedMs: number;
  /** Requests made once it was back. */
  outcomes: HttpOutcome[];
  /** What every director did meanwhile, for the message when the return fails. */
  witness?: DirectorsWitness;
}

export function judgeRealServerReturn(topology: Topology, observation: RealServerReturnObservation): Verdict {
  const property = 'real-server return';
  const { server, weight } = observation;
  if (observation.returnedMs === undefined) {
    return {
      property,
      ok: false,
      message: `${server} did not come back: it was still ${describeTableState(observation.finalState)}, not in it with weight ${weight}, ${observation.waitedMs} ms after its HTTP server started again${witnessed(topology, observation.witness, observation.outcomes)}`,
    };
  }
  const roundRobin = judgeRoundRobin(topology, observation.outcomes);
  if (!roundRobin.ok) {
    return { property, ok: false, message: `${server} is back in the table, but round-robin did not resume: ${roundRobin.message}${witnessed(topology, observation.witness, observation.outcomes)}` };
  }
  return { property, ok: true, message: `${server} came back into the table with weight ${weight} ${Math.round(observation.returnedMs)} ms after its HTTP server started; round-robin resumed: ${roundRobin.message}` };
}

function witnessed(topology: Topology, witness: DirectorsWitness | undefined, outcomes: readonly HttpOutcome[]): string {
  return witness ? `\n${describeWitness(topology, witness, outcomes, clientHost(topology).address)}` : '';
}

function round(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value);
}
