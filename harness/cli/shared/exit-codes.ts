// What the command's exit code tells a script: CI wants to tell "the cluster is broken" from
// "the harness could not run".
import { VerdictError } from '../../verdicts/verdict.js';
import { TopologyError } from '../../topology/topology-error.js';
import { EnvironmentError } from '../../kernel/environment-error.js';
import { MissingToolError } from '../../process/find-tool.js';
import { GuestError, GuestUnusableError } from '../../kernel/guest-job.js';
import { NoSuchRunError } from '../../cluster/live-run.js';

export const EXIT_OK = 0;
export const EXIT_ASSERTION_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Errors that explain themselves (input, machine, a failed kernel): no stack trace needed. */
export function isInputOrEnvironmentError(error: unknown): boolean {
  return (
    error instanceof TopologyError ||
    error instanceof UsageError ||
    error instanceof EnvironmentError ||
    error instanceof MissingToolError ||
    error instanceof GuestError ||
    error instanceof GuestUnusableError ||
    error instanceof NoSuchRunError
  );
}

/** A failed assertion is 1; everything else that stops a run (input, machine, a build) is 2. */
export function exitCodeFor(error: unknown): number {
  return error instanceof VerdictError ? EXIT_ASSERTION_FAILED : EXIT_BAD_INPUT;
}
