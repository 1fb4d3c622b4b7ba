// One check run in several kernels, as one table: a row per property, a column per kernel,
// so "broken on 6.1, fixed on 6.12" reads off one line; and its JSON form. Pure.
import { CHECK_REPORT_SCHEMA_VERSION, type CheckReportJson } from './check-report-json.js';

/** One column: the kernel as named, and the report its check printed, or why it could not run. */
export interface KernelColumn {
  kernel: string;
  exitCode: number;
  report?: CheckReportJson;
  /** Set when the check printed no report (the kernel could not boot, the build broke): its last words. */
  error?: string;
}

export interface KernelMatrixJson {
  schemaVersion: typeof CHECK_REPORT_SCHEMA_VERSION;
  topology: string;
  /** Every kernel ran its check and every assertion held in each. */
  passed: boolean;
  kernels: KernelColumn[];
}

export function kernelMatrixJson(topology: string, columns: readonly KernelColumn[]): KernelMatrixJson {
  return { schemaVersion: CHECK_REPORT_SCHEMA_VERSION, topology, passed: columns.every((column) => column.report?.passed === true), kernels: [...columns] };
}

/** The exit code of the whole matrix: 2 when a kernel could not run its check, else 1 when an assertion failed, else 0. */
export function kernelMatrixExitCode(columns: readonly KernelColumn[]): number {
  if (columns.some((column) => !column.report)) return 2;
  return columns.every((column) => column.report!.passed) ? 0 : 1;
}

/** The table, then each failure's message under its kernel and property. */
export function formatKernelMatrix(topology: string, columns: readonly KernelColumn[]): string {
  const properties: string[] = [];
  for (const column of columns) for (const verdict of column.report?.verdicts ?? []) if (!properties.includes(verdict.property)) properties.push(verdict.property);
  const cell = (column: KernelColumn, property: string) => {
    if (!column.report) return 'not run';
    const verdict = column.report.verdicts.find((entry) => entry.property === property);
    return verdict ? (verdict.ok ? 'PASS' : 'FAIL') : '-';
  };
  const result = (column: KernelColumn) => {
    if (!column.report) return 'could not run';
    const failed = column.report.verdicts.filter((verdict) => !verdict.ok).length;
    return column.report.passed ? 'passed' : `FAILED (${failed} of ${column.report.verdicts.length})`;
  };
  const rows: string[][] = [
    ['', ...columns.map((column) => column.kernel)],
    ['kernel', ...columns.map((column) => column.report?.kernel ?? '?')],
    ...properties.map((property) => [property, ...columns.map((column) => cell(column, property))]),
    ['result', ...columns.map(result)],
  ];
  const widths = rows[0]!.map((_, index) => Math.max(...rows.map((row) => row[index]!.length)));
  const lines = [`check ${topology} in ${columns.length} kernels`];
  for (const row of rows) lines.push(row.map((text, index) => text.padEnd(widths[index]!)).join('  ').trimEnd());
  for (const column of columns) {
    if (!column.report) {
      lines.push('', `${column.kernel}: could not run the check (exit ${column.exitCode}):`, ...indent(column.error ?? '(no message)'));
      continue;
    }
    for (const verdict of column.report.verdicts.filter((entry) => !entry.ok)) lines.push('', `${column.kernel}, ${verdict.property}:`, ...indent(verdict.message));
  }
  return lines.join('\n');
}

function indent(text: string): string[] {
  return text.trim().split('\n').map((line) => `  ${line}`);
}
