#!/usr/bin/env node
// The build's step after tsc: the command (dist/harness/cli/main.js, as tsc wrote it) becomes
// one file with its npm packages inside. A Node.js start resolves and reads every module it
// imports, one file system call after another, and inside User-Mode Linux each call is a trip
// through the guest kernel: the CLI took 1.4-1.5 s to print its help there as its own 176
// modules and its packages', 0.7-1.1 s as one file (scripts/bench-build.mjs measures what a
// check costs). The library entries stay as tsc wrote
// them: a suite imports them in its own process.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/harness/cli/main.js', import.meta.url));
await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // Whitespace and syntax only: identifiers keep their names, so stack traces stay readable.
  // V8 compiles the whole file at every start: 1.1 MB took 1.6-1.7 s to print the help inside
  // UML, 0.8 MB 1.4-1.6 s.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // The packages written as CommonJS call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
