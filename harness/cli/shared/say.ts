// Progress and diagnostics go to stderr, so stdout carries only results (tables, JSON).

/** One line of progress or diagnosis. */
export function say(message: string): void {
  process.stderr.write(`lvs-harness: ${message}\n`);
}
