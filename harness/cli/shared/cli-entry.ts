// Where the lvs-harness command lives, for the commands that run it again (inside a guest
// kernel, once per kernel of a matrix). Found from the package root, not from this module's
// own place: the built command is one bundled file (scripts/bundle-cli.mjs).
import { packagePath } from '../../package-root.js';

/** The built command's file. */
export function cliEntry(): string {
  return packagePath('dist', 'harness', 'cli', 'main.js');
}
