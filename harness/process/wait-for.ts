// The one way to wait for a condition: poll it with p-retry, bounded in time, and on timeout
// say what was awaited and why the last attempt failed. There are no fixed sleeps.
import pRetry from 'p-retry';

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
        return attempt();
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
