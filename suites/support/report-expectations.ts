// What the suites assert of a check's report, said once: the doctor's findings by name, and a
// TUN contract that fails direct return for one real server's connections and for no other's.
import { expect } from 'vitest';
import type { CheckReport } from '../../harness/library/index.js';

/** The doctor's findings as pitfall@host. */
export function findingNames(report: CheckReport): string[] {
  return report.findings.map((finding) => `${finding.pitfall}@${finding.host}`);
}

/** The TUN contract failed property 3 for `broken`'s connections, and named none of `healthy`'s. */
export function expectDirectReturnFailsOnlyFor(report: CheckReport, broken: string, healthy: readonly string[]): void {
  const tun = report.verdicts.find((verdict) => verdict.property === 'TUN contract');
  expect(tun?.ok, 'the TUN contract').toBe(false);
  expect(tun!.message).toMatch(new RegExp(`\\(real server ${broken}\\): property 3 \\(direct return\\) failed`));
  for (const name of healthy) expect(tun!.message).not.toMatch(new RegExp(`\\(real server ${name}\\)`));
}
