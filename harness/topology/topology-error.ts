// One error for every way a topology can be wrong, carrying each problem with its field path,
// so a user fixes all of them in one pass instead of one per run.

export interface TopologyProblem {
  /** Dotted path of the field, e.g. `service.realServers[1].weight`; empty for the whole file. */
  path: string;
  message: string;
}

export class TopologyError extends Error {
  override name = 'TopologyError';

  constructor(
    readonly source: string,
    readonly problems: TopologyProblem[],
  ) {
    super(
      `invalid topology ${source}:\n` +
        problems.map((problem) => `  ${problem.path || '(file)'}: ${problem.message}`).join('\n'),
    );
  }
}

/** Renders a zod-style path (keys and indexes) the way a user would write it. */
export function formatFieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
