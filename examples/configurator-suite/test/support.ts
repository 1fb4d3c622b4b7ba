// What every test here asks of a check: the properties that failed, by name.
import type { CheckReport } from 'lvs-harness';

export const topologyFile = (name: string) => new URL(`../topologies/${name}.yaml`, import.meta.url);

export function failedProperties(report: CheckReport): string[] {
  return report.verdicts.filter((verdict) => !verdict.ok).map((verdict) => verdict.property);
}

export function messageOf(report: CheckReport, property: string): string {
  return report.verdicts.find((verdict) => verdict.property === property)?.message ?? '';
}
