// The library of public bug reports stays whole: every topology in fixtures/bugs loads, names
// its report, has a kernel suite that shows the symptom and the fix, and a line in the README.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTopologyFile } from './load-topology.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const reports = readdirSync(root('fixtures/bugs')).filter((file) => file.endsWith('.yaml')).map((file) => file.replace(/\.yaml$/, ''));
const readme = readFileSync(root('README.md'), 'utf8');

describe('the bug report library', () => {
  it('has the reports the project promises', () => {
    expect(reports.length).toBeGreaterThanOrEqual(9);
  });

  it.each(reports)('%s: loads with its report, has its suite and its README line', async (name) => {
    const topology = await loadTopologyFile(root(`fixtures/bugs/${name}.yaml`));
    expect(topology.report?.url).toMatch(/^https:\/\/github\.com\//);
    expect(topology.name).toBe(name);
    expect(existsSync(root(`suites/bugs/${name}.test.ts`)), `suites/bugs/${name}.test.ts`).toBe(true);
    const line = readme.split('\n').find((text) => text.includes(`(\`${name}\`)`));
    expect(line, `a README line for ${name}`).toContain(topology.report!.url);
  });
});
