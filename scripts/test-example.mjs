#!/usr/bin/env node
// The example project (examples/configurator-suite) as another project would use this one:
// the package packed into a tarball, installed from it with npm, and the example's own vitest
// suite run by the installed `lvs-harness run`. Exits with the suite's exit code.
import { execFileSync, spawnSync } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const example = join(root, 'examples', 'configurator-suite');
const say = (line) => process.stderr.write(`test-example: ${line}\n`);

// prepack builds the package first; its output goes to stderr, npm's JSON report to stdout.
say('packing lvs-harness (npm pack, which builds it first)');
const report = execFileSync('npm', ['pack', '--json', '--loglevel=error', '--pack-destination', example], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const packed = JSON.parse(report.slice(report.indexOf('[')))[0]?.filename;
if (!packed) {
  say(`npm pack named no tarball; it printed: ${report.trim().slice(0, 2000)}`);
  process.exit(1);
}
renameSync(join(example, packed), join(example, 'lvs-harness.tgz'));
// A fresh install of the tarball every time: npm would keep an older one it already unpacked.
rmSync(join(example, 'node_modules', 'lvs-harness'), { recursive: true, force: true });
rmSync(join(example, 'package-lock.json'), { force: true });
say(`installing ${packed} and vitest into ${example} (npm install)`);
const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: example, stdio: 'inherit' });
if (install.status !== 0) {
  say(`npm install failed (exit ${install.status})`);
  process.exit(install.status ?? 1);
}
say('running the example suite (npm test: lvs-harness run -- vitest run)');
const run = spawnSync('npm', ['test', '--silent', '--', ...process.argv.slice(2)], { cwd: example, stdio: 'inherit' });
process.exit(run.status ?? 1);
