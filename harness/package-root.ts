// Finds files shipped with the package (the agents, fixtures) whether the code runs from its
// TypeScript source (vitest) or from the compiled dist/ folder.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The folder holding this package's package.json. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'lvs-harness') {
      cachedRoot = folder;
      return folder;
    }
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`cannot find the lvs-harness package root above ${fileURLToPath(import.meta.url)}`);
    folder = parent;
  }
}

/** A path inside the package. */
export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
