// How the harness runs keepalived: its files in the run folder (each director its own pid
// files, since two keepalived daemons on one machine must not share them), the command line,
// and keepalived's words made readable for error messages. Pure.
import { join } from 'node:path';

export interface KeepalivedFiles {
  config: string;
  pid: string;
  vrrpPid: string;
  checkersPid: string;
  /** Everything keepalived prints (it logs to the console, not syslog). */
  log: string;
}

/** The files of one director's keepalived, all inside the run folder. */
export function keepalivedFiles(runDir: string, director: string): KeepalivedFiles {
  const file = (suffix: string) => join(runDir, `keepalived-${director}${suffix}`);
  return { config: file('.conf'), pid: file('.pid'), vrrpPid: file('-vrrp.pid'), checkersPid: file('-checkers.pid'), log: file('.log') };
}

/**
 * keepalived in the foreground, logging to its console (captured by the harness) rather than
 * to syslog, which a namespace or a User-Mode Linux guest may not have.
 */
export function keepalivedArgv(files: KeepalivedFiles): string[] {
  return [
    'keepalived',
    '--dont-fork',
    '--log-console',
    '--log-detail',
    '--no-syslog',
    '--use-file', files.config,
    '--pid', files.pid,
    '--vrrp_pid', files.vrrpPid,
    '--checkers_pid', files.checkersPid,
  ];
}

/** keepalived's own check of a configuration file; it prints what is wrong and exits non-zero. */
export function keepalivedConfigTestArgv(files: KeepalivedFiles): string[] {
  return ['keepalived', '--config-test', '--use-file', files.config];
}

/** keepalived prefixes every log line with a date when it logs to the console; drop it. */
export function withoutLogDate(line: string): string {
  return line.replace(/^\w{3} \w{3} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}: /, '');
}

/**
 * keepalived's complaints about a configuration, each followed by the line it names, so the
 * message shows what was written and not only where.
 */
export function explainConfigProblems(output: string, configText: string): string {
  const configLines = configText.split('\n');
  return output
    .split('\n')
    .map(withoutLogDate)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const lineNumber = Number(/\bLine (\d+)\)/.exec(line)?.[1]);
      const quoted = configLines[lineNumber - 1];
      return quoted === undefined ? line : `${line}\n    line ${lineNumber}: ${quoted.trim()}`;
    })
    .join('\n');
}
