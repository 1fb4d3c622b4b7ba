// `lvs-harness check FILE --kernel A --kernel B ...`: the same check run once per kernel, one
// after the other (each a child `check --json --kernel K`, so every run owns and removes its
// own cluster and guest), then one table of property by kernel.
import { execa } from 'execa';
import { cliEntry } from '../shared/cli-entry.js';
import { formatKernelMatrix, kernelMatrixExitCode, kernelMatrixJson, type KernelColumn } from '../../checks/kernel-matrix.js';
import type { CheckReportJson } from '../../checks/check-report-json.js';
import { say } from '../shared/say.js';

export interface KernelMatrixRun {
  topologyName: string;
  /** The check's arguments but for --kernel and --json: the file, assertions, connections... */
  checkArgs: readonly string[];
  kernels: readonly string[];
  json: boolean;
}

/** Runs the check in each kernel, prints the table (or JSON), returns the matrix's exit code. */
export async function runKernelMatrix(run: KernelMatrixRun): Promise<number> {
  const self = cliEntry();
  const columns: KernelColumn[] = [];
  for (const [index, kernel] of run.kernels.entries()) {
    say(`kernel matrix ${index + 1}/${run.kernels.length}: --kernel ${kernel}`);
    const child = execa(process.execPath, [self, ...run.checkArgs, '--kernel', kernel, '--json'], { reject: false, stdin: 'ignore', stderr: 'pipe', stdout: 'pipe' });
    let lastWords: string[] = [];
    child.stderr?.setEncoding('utf8');
    let pending = '';
    child.stderr?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        process.stderr.write(`  [${kernel}] ${line}\n`);
        lastWords = [...lastWords, line].slice(-12);
      }
    });
    const result = await child;
    if (pending) lastWords.push(pending);
    const report = parseReport(String(result.stdout ?? ''));
    const exitCode = result.exitCode ?? 2;
    columns.push(report ? { kernel, exitCode, report } : { kernel, exitCode, error: lastWords.map((line) => line.replace(/^lvs-harness: /, '')).join('\n') });
  }
  console.log(run.json ? JSON.stringify(kernelMatrixJson(run.topologyName, columns), null, 2) : formatKernelMatrix(run.topologyName, columns));
  return kernelMatrixExitCode(columns);
}

function parseReport(stdout: string): CheckReportJson | undefined {
  const start = stdout.indexOf('{');
  if (start < 0) return undefined;
  try {
    const report = JSON.parse(stdout.slice(start)) as CheckReportJson;
    return Array.isArray(report.verdicts) ? report : undefined;
  } catch {
    return undefined;
  }
}
