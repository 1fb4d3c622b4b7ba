// The machine cannot do what was asked (not root, no kernel that can host a cluster, no guest):
// a clear message and exit 2, never a stack trace.

export class EnvironmentError extends Error {
  override name = 'EnvironmentError';
}
