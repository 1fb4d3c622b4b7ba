// Judges the walkthrough's own proof, "curl VIP" answering web1 then web2, over N connections:
// every connection answered, each real server answering its share, in a repeating order.
import type { HttpOutcome } from '../traffic/http-outcome.js';
import type { Topology } from '../topology/topology.js';
import { hostNamed } from '../topology/topology.js';
import type { Verdict } from './verdict.js';

export interface Answer {
  /** The real server that answered, or undefined when the connection failed or the body is unknown. */
  server?: string;
  outcome: HttpOutcome;
}

/** Names who answered each request by its body, as a person reading curl's output would. */
export function identifyAnswers(topology: Topology, outcomes: readonly HttpOutcome[]): Answer[] {
  // By the first line: a padded body (http.bodySize) keeps the server's words first.
  const firstLine = (body: string | undefined) => body?.split('\n')[0]?.trim();
  const byBody = new Map(
    topology.service.realServers.map((server) => [firstLine(hostNamed(topology, server.host).http?.body), server.host] as const),
  );
  return outcomes.map((outcome) => ({ server: outcome.ok ? byBody.get(firstLine(outcome.body)) : undefined, outcome }));
}

/**
 * Round-robin over the real servers with a positive weight: all connections answered, the first
 * n answers name each server once, and answer i repeats answer i-n. With N a multiple of n,
 * that is exactly N/n answers each.
 */
export function judgeRoundRobin(topology: Topology, outcomes: readonly HttpOutcome[]): Verdict {
  const property = 'round-robin';
  const servers = topology.service.realServers.filter((server) => server.weight > 0).map((server) => server.host);
  const answers = identifyAnswers(topology, outcomes);
  const counts = new Map(servers.map((server) => [server, 0]));
  for (const answer of answers) if (answer.server) counts.set(answer.server, (counts.get(answer.server) ?? 0) + 1);
  const tally = servers.map((server) => `${server} ${counts.get(server)}`).join(', ');
  const sequence = answers.map((answer, index) => `  ${index + 1}. ${describeAnswer(answer)}`).join('\n');

  if (answers.length < servers.length * 2) {
    return { property, ok: false, message: `needs at least ${servers.length * 2} connections to judge ${servers.length} real servers, got ${answers.length}` };
  }
  const failed = answers.filter((answer) => !answer.outcome.ok);
  const unknown = answers.filter((answer) => answer.outcome.ok && !answer.server);
  const share = answers.length / servers.length;
  const starved = servers.filter((server) => (counts.get(server) ?? 0) < Math.floor(share));
  if (failed.length > 0 || unknown.length > 0) {
    const problems = [
      failed.length > 0 ? `${failed.length} of ${answers.length} connections got no answer` : '',
      unknown.length > 0 ? `${unknown.length} answers came from no listed real server` : '',
      starved.length > 0 ? `${starved.join(', ')} answered fewer than ${Math.floor(share)}` : '',
    ].filter(Boolean);
    return { property, ok: false, message: `${problems.join('; ')} (answers: ${tally})\n${sequence}` };
  }
  const firstRound = answers.slice(0, servers.length).map((answer) => answer.server);
  const outOfTurn = answers.findIndex((answer, index) => answer.server !== firstRound[index % servers.length]);
  if (new Set(firstRound).size !== servers.length || outOfTurn !== -1) {
    return { property, ok: false, message: `answers do not take turns over ${servers.join(', ')} (answers: ${tally})\n${sequence}` };
  }
  return { property, ok: true, message: `${answers.length} connections, answers took turns: ${tally}` };
}

function describeAnswer(answer: Answer): string {
  const { outcome } = answer;
  const port = outcome.localPort ? ` (client port ${outcome.localPort})` : '';
  if (!outcome.ok) return `no answer${port}: ${outcome.error}`;
  return `${answer.server ?? 'unrecognised'}${port}: ${describeBody(outcome.body)}`;
}

/** A body as a person reads it: its first line, and its size when there is more. */
export function describeBody(body: string | undefined): string {
  const text = body ?? '';
  const first = text.split('\n')[0]!.trim();
  return text.trim() === first ? first : `${first} (${Buffer.byteLength(text)} bytes)`;
}
