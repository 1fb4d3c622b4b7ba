// Dispatches the subcommands and turns errors into a message and an exit code.
import type { Subcommand } from './shared/command.js';
import { bundleCommand } from './commands/bundle-command.js';
import { captureCommand } from './commands/capture-command.js';
import { checkCommand } from './commands/check-command.js';
import { demoCommand } from './commands/demo-command.js';
import { doctorCommand } from './commands/doctor-command.js';
import { downCommand } from './commands/down-command.js';
import { execCommand } from './commands/exec-command.js';
import { gcCommand } from './commands/gc-command.js';
import { requestCommand } from './commands/request-command.js';
import { statusCommand } from './commands/status-command.js';
import { upCommand } from './commands/up-command.js';
import { kernelCommand } from './commands/kernel-command.js';
import { runCommand } from './commands/run-command.js';
import { vmCommand } from './commands/vm-command.js';
import { EXIT_BAD_INPUT, exitCodeFor, isInputOrEnvironmentError } from './shared/exit-codes.js';
import { VerdictError } from '../verdicts/verdict.js';

const SUBCOMMANDS: Subcommand[] = [
  demoCommand,
  checkCommand,
  upCommand,
  requestCommand,
  statusCommand,
  execCommand,
  captureCommand,
  doctorCommand,
  bundleCommand,
  downCommand,
  gcCommand,
  kernelCommand,
  runCommand,
  vmCommand,
];

function usage(): string {
  const width = Math.max(...SUBCOMMANDS.map((command) => command.name.length));
  return `Usage: lvs-harness COMMAND [options]

An integration-test harness for Linux Virtual Server in tunnel mode (LVS-TUN).

Commands:
${SUBCOMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Run lvs-harness COMMAND --help for a command's options.
Exit codes: 0 success, 1 a failed assertion, 2 bad input or environment.`;
}

/** Runs one command line and returns the exit code. */
export async function runCli(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? EXIT_BAD_INPUT : 0;
  }
  const command = SUBCOMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`lvs-harness: unknown command ${JSON.stringify(name)}\n\n${usage()}\n`);
    return EXIT_BAD_INPUT;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // An unexpected error gets where it came from too; the stack's first lines repeat the message.
    const where = (error as Error)?.stack?.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 3).join('\n');
    const detail = error instanceof VerdictError || isInputOrEnvironmentError(error) || !where ? '' : `\n${where}`;
    process.stderr.write(`lvs-harness ${name}: ${message}${detail}\n`);
    return exitCodeFor(error);
  }
}
