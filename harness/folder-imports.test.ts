// The layout's one rule, kept by a test: no folder of harness/ imports a folder that imports it
// back (directly or round a longer loop), so each folder can be read, and replaced, on its own.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagePath } from './package-root.js';

const root = packagePath('harness');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|mjs)$/.test(entry.name) && !entry.name.endsWith('.test.ts') && !path.includes('test-support') ? [path] : [];
  });
}

/** Folder -> the folders its files import, with one importing file per edge for the message. */
function folderImports(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(root)) {
    const from = relative(root, dirname(file)) || '.';
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'";]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const to = relative(root, dirname(normalize(join(dirname(file), match[1]!)))) || '.';
      if (to === from || to.startsWith('..')) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      graph.get(from)!.set(to, relative(root, file));
    }
  }
  return graph;
}

/** The folders that reach themselves again through imports, each loop as a path of files. */
function loops(graph: Map<string, Map<string, string>>): string[] {
  const found: string[] = [];
  for (const start of graph.keys()) {
    const seen = new Set<string>();
    const walk = (folder: string, path: string[]): void => {
      for (const [next, file] of graph.get(folder) ?? []) {
        if (next === start) found.push([...path, `${file} -> ${next}/`].join(', '));
        else if (!seen.has(next)) {
          seen.add(next);
          walk(next, [...path, `${file} -> ${next}/`]);
        }
      }
    };
    walk(start, []);
  }
  return found;
}

describe('the layout', () => {
  it('has no folder that imports one that imports it back', () => {
    const graph = folderImports();
    expect(graph.size).toBeGreaterThan(10);
    expect(loops(graph)).toEqual([]);
  });
});
