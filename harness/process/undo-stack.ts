// What a build did, to be undone in reverse order: after a full run, and after a build that
// failed halfway. An undo that fails is reported, and the rest still run.

export interface UndoFailure {
  label: string;
  error: unknown;
}

/** Every stack not yet unwound in this process: what a signal handler must undo before exiting. */
const liveStacks = new Set<UndoStack>();

/** Unwinds every live stack (on SIGINT or SIGTERM), and reports what could not be undone. */
export async function unwindAllUndoStacks(): Promise<UndoFailure[]> {
  const failures = await Promise.all([...liveStacks].map((stack) => stack.unwind()));
  return failures.flat();
}

export class UndoStack {
  private readonly steps: Array<{ label: string; undo: () => Promise<void> }> = [];
  private unwinding?: Promise<UndoFailure[]>;

  constructor() {
    liveStacks.add(this);
  }

  push(label: string, undo: () => Promise<void>): void {
    this.steps.push({ label, undo });
  }

  /** Forgets every step without running it: the resources now belong to someone else. */
  release(): void {
    this.steps.length = 0;
    liveStacks.delete(this);
  }

  get size(): number {
    return this.steps.length;
  }

  /** Undoes everything, last first; a second call waits for the first. */
  unwind(): Promise<UndoFailure[]> {
    this.unwinding ??= (async () => {
      const failures: UndoFailure[] = [];
      while (this.steps.length > 0) {
        const step = this.steps.pop()!;
        try {
          await step.undo();
        } catch (error) {
          failures.push({ label: step.label, error });
        }
      }
      liveStacks.delete(this);
      return failures;
    })();
    return this.unwinding;
  }
}
