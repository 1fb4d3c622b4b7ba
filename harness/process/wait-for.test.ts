import { describe, expect, it } from 'vitest';
import { waitFor, WaitTimeoutError } from './wait-for.js';

/** How late past its bound a wait may end: timers and a loaded machine, never another interval. */
const MARGIN_MS = 200;

/** The rejection of a promise that must reject. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the wait to time out');
}

describe('waitFor', () => {
  it('resolves with the first attempt that passes, without waiting', async () => {
    let attempts = 0;
    const started = Date.now();
    const value = await waitFor(
      async () => {
        attempts += 1;
        return 'ready';
      },
      { timeoutMs: 5_000, awaiting: 'something ready', intervalMs: 1_000 },
    );
    expect(value).toBe('ready');
    expect(attempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('retries until the condition passes, then stops', async () => {
    let attempts = 0;
    const value = await waitFor(
      async () => {
        attempts += 1;
        if (attempts < 4) throw new Error(`not yet (${attempts})`);
        return attempts;
      },
      { timeoutMs: 5_000, awaiting: 'the fourth attempt', intervalMs: 5, maxIntervalMs: 10 },
    );
    expect(value).toBe(4);
    // Let any stray retry run: none may, once the condition passed.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(attempts).toBe(4);
  });

  it('resolves soon after a condition that becomes true in time', async () => {
    const readyAt = Date.now() + 100;
    const started = Date.now();
    await waitFor(
      async () => {
        if (Date.now() < readyAt) throw new Error('not yet');
      },
      { timeoutMs: 2_000, awaiting: 'the clock', intervalMs: 10, maxIntervalMs: 20 },
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(100 + MARGIN_MS);
  });

  it('on timeout rejects with a WaitTimeoutError naming what was awaited and the last error', async () => {
    let attempts = 0;
    const error = await rejectionOf(
      waitFor(
        async () => {
          attempts += 1;
          throw new Error(`connection refused #${attempts}`);
        },
        { timeoutMs: 150, awaiting: 'web1 to answer on 192.168.73.110:80', intervalMs: 10, maxIntervalMs: 20 },
      ),
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    const { message, name } = error as WaitTimeoutError;
    expect(name).toBe('WaitTimeoutError');
    expect(message).toContain('web1 to answer on 192.168.73.110:80');
    expect(attempts).toBeGreaterThan(1);
    // The last attempt's reason, not the first's.
    expect(message).toContain(`connection refused #${attempts}`);
    expect(message).not.toContain('connection refused #1;');
    expect(message).toContain(`${attempts} attempts`);
    expect((error as WaitTimeoutError).cause).toBeInstanceOf(Error);
  });

  it('never waits much beyond its bound, even with long intervals', async () => {
    for (const options of [
      { timeoutMs: 300, intervalMs: 10, maxIntervalMs: 20 },
      // The pause after a failure would end far past the bound: it must be cut short.
      { timeoutMs: 300, intervalMs: 5_000, maxIntervalMs: 10_000 },
      { timeoutMs: 300, intervalMs: 250, maxIntervalMs: 250 },
    ]) {
      const started = Date.now();
      const error = await rejectionOf(
        waitFor(
          async () => {
            throw new Error('never');
          },
          { ...options, awaiting: 'nothing' },
        ),
      );
      const elapsed = Date.now() - started;
      expect(error, JSON.stringify(options)).toBeInstanceOf(WaitTimeoutError);
      expect(elapsed, JSON.stringify(options)).toBeLessThan(options.timeoutMs + MARGIN_MS);
    }
  });

  it('keeps trying for about its bound before giving up', async () => {
    const started = Date.now();
    await rejectionOf(
      waitFor(
        async () => {
          throw new Error('never');
        },
        { timeoutMs: 300, awaiting: 'nothing', intervalMs: 10, maxIntervalMs: 20 },
      ),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('keeps trying after a TypeError or a thrown non-Error, which p-retry alone would give up on at once', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        calls += 1;
        if (calls === 1) throw new TypeError("Cannot read properties of undefined (reading 'ready')");
        if (calls === 2) throw 'not yet';
        return 'ready';
      },
      { timeoutMs: 2_000, awaiting: 'the condition', intervalMs: 5 },
    );
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });
});
