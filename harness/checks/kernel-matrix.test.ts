import { describe, expect, it } from 'vitest';
import type { CheckReportJson } from './check-report-json.js';
import { formatKernelMatrix, kernelMatrixExitCode, kernelMatrixJson, type KernelColumn } from './kernel-matrix.js';

function report(kernel: string, verdicts: CheckReportJson['verdicts']): CheckReportJson {
  return {
    schemaVersion: 1,
    topology: 'tun-basic',
    runId: 'r1',
    kernel,
    passed: verdicts.every((verdict) => verdict.ok),
    verdicts,
    findings: [],
    notes: [],
    connections: [],
  };
}

const OLD: KernelColumn = {
  kernel: 'debian:6.1',
  exitCode: 1,
  report: report('QEMU 6.1.0-57-amd64', [
    { property: 'round-robin', ok: true, message: 'rs1 2, rs2 2' },
    { property: 'TUN contract', ok: false, message: 'property 3 failed for 10.0.0.2:40000\n  reply left rs1 with source 10.0.1.1' },
  ]),
};
const NEW: KernelColumn = {
  kernel: 'debian:6.12',
  exitCode: 0,
  report: report('QEMU 6.12.117+deb12-amd64', [
    { property: 'round-robin', ok: true, message: 'rs1 2, rs2 2' },
    { property: 'TUN contract', ok: true, message: 'all five properties held' },
  ]),
};
const BROKEN: KernelColumn = { kernel: 'debian:6.12', exitCode: 2, error: 'QEMU with TCG cannot boot 6.12.117+deb12-amd64\nkernel panic' };

/** The table's rows as cells (split on two or more spaces), without the title and the messages below. */
function tableRows(text: string): string[][] {
  const lines = text.split('\n');
  const end = lines.indexOf('');
  return lines.slice(1, end < 0 ? undefined : end).map((line) => line.trim().split(/\s{2,}/));
}

function row(text: string, name: string): string[] {
  const found = tableRows(text).find((cells) => cells[0] === name);
  expect(found, `a ${name} row`).toBeDefined();
  return found!.slice(1);
}

describe('a check run in several kernels', () => {
  it('titles the table with the topology and the number of kernels', () => {
    expect(formatKernelMatrix('tun-basic', [OLD, NEW]).split('\n')[0]).toBe('check tun-basic in 2 kernels');
  });

  it('heads the columns with the kernels as named, then their releases', () => {
    const text = formatKernelMatrix('tun-basic', [OLD, NEW]);
    expect(tableRows(text)[0]).toEqual(['debian:6.1', 'debian:6.12']);
    expect(row(text, 'kernel')).toEqual(['QEMU 6.1.0-57-amd64', 'QEMU 6.12.117+deb12-amd64']);
  });

  it('gives a row per property with PASS or FAIL in the column of each kernel, then the result', () => {
    const text = formatKernelMatrix('tun-basic', [OLD, NEW]);
    expect(tableRows(text).map((cells) => cells[0])).toEqual(['debian:6.1', 'kernel', 'round-robin', 'TUN contract', 'result']);
    expect(row(text, 'round-robin')).toEqual(['PASS', 'PASS']);
    expect(row(text, 'TUN contract')).toEqual(['FAIL', 'PASS']);
    expect(row(text, 'result')).toEqual(['FAILED (1 of 2)', 'passed']);
  });

  it('lines the cells up under their kernels', () => {
    const lines = formatKernelMatrix('tun-basic', [OLD, NEW]).split('\n');
    const header = lines[1]!;
    const contract = lines.find((line) => line.startsWith('TUN contract'))!;
    expect(contract.indexOf('FAIL')).toBe(header.indexOf('debian:6.1'));
    expect(contract.indexOf('PASS')).toBe(header.indexOf('debian:6.12'));
  });

  it('prints each failure under its kernel and property, indented, and nothing for what passed', () => {
    const text = formatKernelMatrix('tun-basic', [OLD, NEW]);
    const lines = text.split('\n');
    const at = lines.indexOf('debian:6.1, TUN contract:');
    expect(at).toBeGreaterThan(0);
    expect(lines[at - 1]).toBe('');
    expect(lines.slice(at + 1)).toEqual(['  property 3 failed for 10.0.0.2:40000', '    reply left rs1 with source 10.0.1.1']);
    expect(text).not.toContain('debian:6.12, ');
    expect(text).not.toContain('round-robin:');
  });

  it('marks a property a kernel did not judge with -', () => {
    const partial: KernelColumn = { ...NEW, report: report('QEMU 6.12.117+deb12-amd64', [{ property: 'round-robin', ok: true, message: 'ok' }]) };
    expect(row(formatKernelMatrix('tun-basic', [OLD, partial]), 'TUN contract')).toEqual(['FAIL', '-']);
  });

  it('exits 1 when an assertion failed in a kernel, 0 when all held in all', () => {
    expect(kernelMatrixExitCode([OLD, NEW])).toBe(1);
    expect(kernelMatrixExitCode([NEW, { ...NEW, kernel: 'debian:6.1' }])).toBe(0);
  });

  it('shows a kernel that could not run its check, with its last words, and exits 2', () => {
    const text = formatKernelMatrix('tun-basic', [OLD, BROKEN]);
    expect(row(text, 'kernel')).toEqual(['QEMU 6.1.0-57-amd64', '?']);
    expect(row(text, 'TUN contract')).toEqual(['FAIL', 'not run']);
    expect(row(text, 'result')).toEqual(['FAILED (1 of 2)', 'could not run']);
    const lines = text.split('\n');
    const at = lines.indexOf('debian:6.12: could not run the check (exit 2):');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 3)).toEqual(['  QEMU with TCG cannot boot 6.12.117+deb12-amd64', '  kernel panic']);
    expect(kernelMatrixExitCode([OLD, BROKEN])).toBe(2);
    expect(kernelMatrixExitCode([NEW, BROKEN])).toBe(2);
  });

  it('says so when a kernel that could not run left no message', () => {
    expect(formatKernelMatrix('tun-basic', [{ kernel: 'uml', exitCode: 2 }])).toContain('uml: could not run the check (exit 2):\n  (no message)');
  });

  it('passes the JSON form only when every kernel ran and passed', () => {
    expect(kernelMatrixJson('tun-basic', [NEW, { ...NEW, kernel: 'host' }])).toEqual({ schemaVersion: 1, topology: 'tun-basic', passed: true, kernels: [NEW, { ...NEW, kernel: 'host' }] });
    expect(kernelMatrixJson('tun-basic', [OLD, NEW]).passed).toBe(false);
    expect(kernelMatrixJson('tun-basic', [NEW, BROKEN]).passed).toBe(false);
    expect(kernelMatrixJson('tun-basic', [NEW, BROKEN]).kernels).toEqual([NEW, BROKEN]);
  });
});
