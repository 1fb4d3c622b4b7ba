// One failover's measured numbers as a record: what a suite attaches to its results and the
// benchmark prints, the same shape in both. Measured, never asserted.

export type FailoverTimings = Record<string, number | string | undefined>;

export interface FailoverRecord {
  scenario: string;
  ok: boolean;
  timings: FailoverTimings;
}

/** One JSON line, with the timings in a stable key order and undefined ones as null. */
export function formatFailoverRecord(record: FailoverRecord): string {
  const timings = Object.fromEntries(Object.entries(record.timings).map(([key, value]) => [key, value ?? null]));
  return JSON.stringify({ scenario: record.scenario, ok: record.ok, ...timings });
}

/** The records as a plain-text table, one row per scenario, a column per timing any of them has. */
export function formatFailoverTable(records: readonly FailoverRecord[]): string {
  const columns = [...new Set(records.flatMap((record) => Object.keys(record.timings)))];
  const rows = [
    ['scenario', 'ok', ...columns],
    ...records.map((record) => [record.scenario, record.ok ? 'yes' : 'NO', ...columns.map((column) => String(record.timings[column] ?? '-'))]),
  ];
  const widths = rows[0]!.map((_, index) => Math.max(...rows.map((row) => row[index]!.length)));
  return rows.map((row) => row.map((cell, index) => cell.padEnd(widths[index]!)).join('  ').trimEnd()).join('\n');
}
