// Option parsing on node:util's parseArgs, turning its errors into usage errors that name
// the subcommand, so bad flags exit 2 with a pointer to --help.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './exit-codes.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a subcommand's arguments strictly. */
export function parseOptions<T extends Options>(command: string, args: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message} (see lvs-harness ${command} --help)`);
  }
}

/** A positive whole number option, or a usage error quoting the bad value. */
export function wholeNumber(command: string, name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${command}: --${name} must be a positive whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Splits `args` at the first `--`: options before, the command after. */
export function splitAtDoubleDash(args: string[]): { before: string[]; after: string[] } {
  const index = args.indexOf('--');
  return index === -1 ? { before: args, after: [] } : { before: args.slice(0, index), after: args.slice(index + 1) };
}
