import { describe, expect, it } from 'vitest';
import { UndoStack, unwindAllUndoStacks } from './undo-stack.js';
import { waitFor } from './wait-for.js';

/** A stack whose steps record their label in `ran` when undone. */
function recordingStack(labels: readonly string[], ran: string[]): UndoStack {
  const stack = new UndoStack();
  for (const label of labels) stack.push(label, async () => void ran.push(label));
  return stack;
}

describe('UndoStack', () => {
  it('undoes in reverse order, and reports no failures when all succeed', async () => {
    const ran: string[] = [];
    const stack = recordingStack(['namespaces', 'bridge', 'veth'], ran);
    expect(stack.size).toBe(3);
    expect(await stack.unwind()).toEqual([]);
    expect(ran).toEqual(['veth', 'bridge', 'namespaces']);
    expect(stack.size).toBe(0);
  });

  it('waits for each undo before starting the next', async () => {
    const events: string[] = [];
    const stack = new UndoStack();
    stack.push('first', async () => void events.push('first'));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    stack.push('second', async () => {
      events.push('second started');
      await gate;
      events.push('second finished');
    });
    const unwinding = stack.unwind();
    await waitFor(
      async () => {
        if (!events.includes('second started')) throw new Error('second has not started');
      },
      { timeoutMs: 2_000, awaiting: 'the second undo to start' },
    );
    // While it is held, the first has not begun.
    expect(events).toEqual(['second started']);
    release();
    await unwinding;
    expect(events).toEqual(['second started', 'second finished', 'first']);
  });

  it('reports an undo that throws, with its label and error, and still runs the rest', async () => {
    const ran: string[] = [];
    const stack = new UndoStack();
    const boom = new Error('netns del failed');
    stack.push('first', async () => void ran.push('first'));
    stack.push('breaks', async () => {
      throw boom;
    });
    stack.push('last', async () => void ran.push('last'));
    const failures = await stack.unwind();
    expect(ran).toEqual(['last', 'first']);
    expect(failures).toEqual([{ label: 'breaks', error: boom }]);
  });

  it('reports every failing undo, last pushed first', async () => {
    const stack = new UndoStack();
    stack.push('a', async () => {
      throw new Error('a failed');
    });
    stack.push('b', () => Promise.reject(new Error('b failed')));
    const failures = await stack.unwind();
    expect(failures.map((failure) => failure.label)).toEqual(['b', 'a']);
    expect(failures.map((failure) => (failure.error as Error).message)).toEqual(['b failed', 'a failed']);
  });

  it('runs each step once when unwound twice, even concurrently', async () => {
    const counts = new Map<string, number>();
    const stack = new UndoStack();
    for (const label of ['one', 'two']) {
      stack.push(label, async () => {
        counts.set(label, (counts.get(label) ?? 0) + 1);
        // Still pending when the second unwind is called (Promise.all calls both at once).
        await Promise.resolve();
      });
    }
    const [first, second] = await Promise.all([stack.unwind(), stack.unwind()]);
    expect(await stack.unwind()).toEqual([]);
    expect(first).toEqual([]);
    expect(second).toEqual([]);
    expect(Object.fromEntries(counts)).toEqual({ one: 1, two: 1 });
  });

  it('forgets its steps without running them when released', async () => {
    const ran: string[] = [];
    const stack = recordingStack(['a', 'b'], ran);
    stack.release();
    expect(stack.size).toBe(0);
    expect(await stack.unwind()).toEqual([]);
    expect(ran).toEqual([]);
  });
});

describe('unwindAllUndoStacks', () => {
  it('unwinds every live stack, and reports what failed in any of them', async () => {
    const ran: string[] = [];
    const first = recordingStack(['first-a', 'first-b'], ran);
    const second = recordingStack(['second-a'], ran);
    const boom = new Error('cannot remove');
    second.push('second-breaks', async () => {
      throw boom;
    });
    const failures = await unwindAllUndoStacks();
    expect(failures).toEqual([{ label: 'second-breaks', error: boom }]);
    expect(ran.filter((label) => label.startsWith('first'))).toEqual(['first-b', 'first-a']);
    expect(ran.filter((label) => label.startsWith('second'))).toEqual(['second-a']);
    expect(first.size).toBe(0);
    expect(second.size).toBe(0);
  });

  it('skips stacks already unwound or released, and runs no step twice', async () => {
    const ran: string[] = [];
    const unwound = recordingStack(['unwound'], ran);
    await unwound.unwind();
    recordingStack(['released'], ran).release();
    recordingStack(['live'], ran);
    expect(await unwindAllUndoStacks()).toEqual([]);
    expect(ran).toEqual(['unwound', 'live']);
    // Nothing is left: a second call has nothing to do.
    expect(await unwindAllUndoStacks()).toEqual([]);
    expect(ran).toEqual(['unwound', 'live']);
  });
});
