// The one way to wait for a condition: poll it with p-retry, bounded in time, and on timeout
// say what was awaited and why the last attempt failed. There are no fixed sleeps.
import pRetry, { AbortError } from 'p-retry';

export interface WaitOptions {
  timeoutMs: number;
  /** What is being waited for, for the timeout message: "web1 to answer on 192.168.73.110:80". */
  awaiting: string;
  /** First pause between attempts; it grows to maxIntervalMs. */
  intervalMs?: number;
  maxIntervalMs?: number;
}

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

/** Calls `attempt` until it resolves (a throw means "not yet"), for at most timeoutMs. */
export async function waitFor<T>(attempt: () => Promise<T>, options: WaitOptions): Promise<T> {
  const started = Date.now();
  let attempts = 0;
  try {
    return await pRetry(
      async () => {
        attempts += 1;
        try {
          return await attempt();
        } catch (error) {
          // p-retry gives up at once on a TypeError (and on anything not an Error, which it
          // turns into one); for a condition it is "not yet" like any other failure. An
          // AbortError still ends the wait now, on purpose.
          if (error instanceof AbortError || (error instanceof Error && !(error instanceof TypeError))) throw error;
          throw new Error(error instanceof Error ? error.message : String(error), { cause: error });
        }
      },
      {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: options.intervalMs ?? 25,
        maxTimeout: options.maxIntervalMs ?? 250,
        factor: 1.5,
        randomize: false,
        maxRetryTime: options.timeoutMs,
      },
    );
  } catch (error) {
    const elapsed = Date.now() - started;
    const reason = error instanceof Error ? error.message : String(error);
    throw new WaitTimeoutError(`timed out after ${elapsed} ms (${attempts} attempts) waiting for ${options.awaiting}; last attempt: ${reason}`, { cause: error });
  }
}
