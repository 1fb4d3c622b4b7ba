// SIGINT or SIGTERM to a running command tears down what it built before it exits, so an
// interrupted check leaves nothing behind. While a shell or command owns the terminal (up,
// exec, capture), Ctrl-C belongs to it.
import { unwindAllUndoStacks } from '../process/undo-stack.js';
import { terminalHandedToChild } from '../process/process-runner.js';
import { say } from './shared/say.js';

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** Installs the handlers; a second signal during teardown exits at once. */
export function tearDownOnSignals(): void {
  let tearingDown = false;
  for (const signal of Object.keys(SIGNAL_EXIT) as NodeJS.Signals[]) {
    process.on(signal, () => {
      if (signal === 'SIGINT' && terminalHandedToChild()) return;
      if (tearingDown) process.exit(SIGNAL_EXIT[signal]);
      tearingDown = true;
      say(`${signal}: tearing down what this run built`);
      void unwindAllUndoStacks().then((failures) => {
        for (const failure of failures) say(`could not ${failure.label}: ${String((failure.error as Error)?.message ?? failure.error)}`);
        process.exit(SIGNAL_EXIT[signal]);
      });
    });
  }
}
