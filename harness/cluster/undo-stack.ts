// What a build did, to be undone in reverse order: after a full run, and after a build that
// failed halfway. An undo that fails is reported, and the rest still run.

export interface UndoFailure {
  label: string;
  error: unknown;
}

export class UndoStack {
  private readonly steps: Array<{ label: string; undo: () => Promise<void> }> = [];
  private unwinding?: Promise<UndoFailure[]>;

  push(label: string, undo: () => Promise<void>): void {
    this.steps.push({ label, undo });
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
      return failures;
    })();
    return this.unwinding;
  }
}
