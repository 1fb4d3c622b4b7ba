// A verdict is what an assertion concluded about one property of a cluster, in words that
// name the property, so a failed test reads as a finding rather than as "false is not true".

export interface Verdict {
  /** The property judged, e.g. "round-robin". */
  property: string;
  ok: boolean;
  /** One line when ok; on failure, what was wrong and the evidence that shows it. */
  message: string;
}

export class VerdictError extends Error {
  override name = 'VerdictError';
  constructor(readonly verdict: Verdict) {
    super(`${verdict.property} failed: ${verdict.message}`);
  }
}

/** Throws a VerdictError for a failed verdict; how suites and the CLI assert. */
export function assertVerdict(verdict: Verdict): void {
  if (!verdict.ok) throw new VerdictError(verdict);
}
