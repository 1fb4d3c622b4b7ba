// The package as another project gets it: `npm pack` of a copy of this project (its prepack
// builds the JavaScript and the declarations there, leaving this project's dist/ alone), the
// tarball's contents, then the tarball unpacked into a fresh project's node_modules with its
// dependencies linked from this project's (what `npm install` would put there, without the
// network): the public entry loads, a topology loads from the package's seed, the vitest entry
// needs vitest and only it does, and a TypeScript consumer type-checks against the types.
import { execa } from 'execa';
import { cp, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { dir as tempDir, type DirectoryResult } from 'tmp-promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../harness/package-root.js';

/** What the package must ship for a cluster to be built from it: every file the code loads from its own folder (grep packagePath). */
const RUNTIME_FILES = [
  'package.json',
  'dist/harness/library/index.js',
  'dist/harness/library/index.d.ts',
  'dist/harness/library/vitest.js',
  'dist/harness/library/vitest.d.ts',
  'dist/harness/cli/main.js',
  'dist/harness/cluster/build-cluster.js',
  'dist/harness/kernel/uml-xstate-fix.js',
  'dist/harness/native/native-programs.js',
  'harness/native/netns-sysctl.c',
  'harness/agents/http-server.c',
  'harness/agents/http-request.mjs',
  'harness/agents/http-response.mjs',
  'harness/agents/client-agent.mjs',
  'harness/agents/client-ports.mjs',
  'harness/kernel/guest-job.sh',
  'harness/kernel/uml-init.sh',
  'harness/kernel/uml-xstate-fix.c',
  'fixtures/topologies/seed-tun.yaml',
  'scripts/build-native.mjs',
];

let work: DirectoryResult;
let files: string[];
let consumer: string;

/** Links a dependency of the unpacked package to this project's copy of it, as an install would place it. */
async function linkDependency(name: string): Promise<void> {
  const target = packagePath('node_modules', name);
  if (!existsSync(target)) throw new Error(`${name} is not installed in ${packagePath('node_modules')} (npm ci)`);
  const link = join(consumer, 'node_modules', name);
  if (existsSync(link)) return;
  await mkdir(dirname(link), { recursive: true });
  await symlink(target, link);
}

/** Node in the consumer project, running `script` as an ES module; its stdout parsed as JSON. */
async function nodeInConsumer(script: string): Promise<Record<string, unknown>> {
  const result = await execa(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer, reject: false, timeout: 60_000 });
  expect(result.exitCode, `${result.stderr}\n${result.stdout}`).toBe(0);
  return JSON.parse(String(result.stdout)) as Record<string, unknown>;
}

beforeAll(async () => {
  work = await tempDir({ unsafeCleanup: true, prefix: 'lvs-harness-package-' });
  const source = join(work.path, 'source');
  const root = packagePath();
  const skipped = new Set(['node_modules', 'dist', '.git', 'reports'].map((name) => join(root, name)));
  // The example project's own install (scripts/test-example.mjs) is not the package's either.
  await cp(root, source, { recursive: true, filter: (path) => !skipped.has(path) && basename(path) !== 'node_modules' && !path.endsWith('.tgz') });
  await symlink(packagePath('node_modules'), join(source, 'node_modules'));
  const packs = join(work.path, 'packs');
  await mkdir(packs);
  const packed = await execa('npm', ['pack', '--pack-destination', packs, '--loglevel=error', '--no-audit', '--no-fund'], { cwd: source, reject: false, timeout: 240_000 });
  if (packed.exitCode !== 0) throw new Error(`npm pack failed (exit ${packed.exitCode}):\n${packed.stderr}\n${packed.stdout}`);
  const [tarball, ...others] = (await readdir(packs)).filter((name) => name.endsWith('.tgz'));
  if (!tarball || others.length > 0) throw new Error(`npm pack left ${JSON.stringify(await readdir(packs))} in ${packs}, not one tarball`);
  files = String((await execa('tar', ['-tzf', join(packs, tarball)])).stdout)
    .split('\n')
    .filter((line) => line !== '' && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''));

  consumer = join(work.path, 'consumer');
  const installed = join(consumer, 'node_modules', 'lvs-harness');
  await mkdir(installed, { recursive: true });
  await execa('tar', ['-xzf', join(packs, tarball), '-C', installed, '--strip-components=1']);
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'lvs-harness-consumer', private: true, type: 'module' }));
  const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  // vitest, the optional peer, comes later: the public entry must load without it.
  for (const name of Object.keys(manifest.dependencies ?? {})) await linkDependency(name);
}, 300_000);

afterAll(async () => {
  await work?.cleanup();
});

describe('the lvs-harness package', () => {
  it('ships what runs, with the declarations, and no tests, test support or native builds', () => {
    expect(files.filter((file) => RUNTIME_FILES.includes(file)).sort()).toEqual([...RUNTIME_FILES].sort());
    expect(files.filter((file) => /\.test\.|test-support\/|^dist\/native\/|\.so$|^suites\/|^node_modules\//.test(file))).toEqual([]);
    // Every compiled file ships with the source its map points to.
    const compiled = files.filter((file) => file.startsWith('dist/') && file.endsWith('.js'));
    expect(compiled.length).toBeGreaterThan(100);
    expect(compiled.filter((file) => !files.includes(file.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toEqual([]);
    // Declarations for the entries and everything they reach; the CLI's own files have none.
    for (const file of ['cluster/cluster', 'topology/topology', 'checks/run-checks', 'library/run-in-chosen-kernel']) {
      expect(files, file).toContain(`dist/harness/${file}.d.ts`);
    }
  });

  it('loads its public entry and a topology from its seed; its vitest entry needs vitest, and only it', async () => {
    const result = await nodeInConsumer(`
      import { createRequire } from 'node:module';
      import { dirname, join } from 'node:path';
      import { readFileSync } from 'node:fs';
      const lib = await import('lvs-harness');
      const require = createRequire(join(process.cwd(), 'index.js'));
      const root = dirname(require.resolve('lvs-harness/package.json'));
      const seedFile = join(root, 'fixtures', 'topologies', 'seed-tun.yaml');
      const seed = await lib.loadTopologyFile(seedFile);
      const fromText = lib.parseTopologyText(readFileSync(seedFile, 'utf8'), 'in-code.yaml');
      const internal = await import('lvs-harness/dist/harness/cluster/cluster.js').then(() => 'imported', (error) => error.code);
      const vitestEntry = await import('lvs-harness/vitest').then(() => 'imported', (error) => error.code + ': ' + error.message.split('\\n')[0]);
      console.log(JSON.stringify({
        entry: import.meta.resolve('lvs-harness'),
        vitestEntryFile: import.meta.resolve('lvs-harness/vitest'),
        exports: Object.keys(lib),
        seed: { name: seed.name, vip: seed.service.vip, hosts: seed.hosts.map((host) => host.name), scheduler: seed.service.scheduler },
        fromText: fromText.name,
        internal,
        vitestEntry,
        agent: (await import('node:child_process')).execFileSync(process.execPath, [join(root, 'harness', 'agents', 'client-agent.mjs')], { input: '' }).toString().trim(),
      }));`);
    const library = join(consumer, 'node_modules', 'lvs-harness', 'dist', 'harness', 'library');
    expect(result.entry).toBe(`file://${join(library, 'index.js')}`);
    expect(result.vitestEntryFile).toBe(`file://${join(library, 'vitest.js')}`);
    expect(result.exports).toEqual(
      expect.arrayContaining(['loadTopologyFile', 'parseTopologyText', 'validateTopologyData', 'buildCluster', 'runChecks', 'checkDistribution', 'checkTunContract', 'judgeRoundRobin', 'assertVerdict', 'ClusterCapture', 'runDoctor', 'measureRealServerFailover', 'measureDirectorFailover', 'judgeVipHandover', 'runInChosenKernel']),
    );
    expect(result.seed).toEqual({ name: 'seed-tun', vip: '192.168.73.120', hosts: ['client', 'lvs', 'web1', 'web2'], scheduler: 'rr' });
    expect(result.fromText).toBe('seed-tun');
    expect(result.internal).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    // vitest is not installed yet: the public entry loaded without it, the vitest entry cannot.
    expect(result.vitestEntry).toMatch(/^ERR_MODULE_NOT_FOUND: .*'vitest'/);
    // The client agent starts from the installed package (it needs only Node's own modules and its siblings).
    expect(result.agent).toBe('{"ready":true}');

    const cli = await execa(process.execPath, [join(consumer, 'node_modules', 'lvs-harness', 'dist', 'harness', 'cli', 'main.js'), '--help'], { cwd: consumer, reject: false });
    expect(cli.exitCode, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('Usage: lvs-harness COMMAND');
  });

  it("runs its vitest fixture in the consumer's vitest: built on first use, once per file, its error each test's", async () => {
    await linkDependency('vitest');
    await writeFile(
      join(consumer, 'fixture.test.mjs'),
      `import { expect } from 'vitest';
import { clusterTest } from 'lvs-harness/vitest';

let builds = 0;
const test = clusterTest(() => {
  builds += 1;
  throw new Error('no cluster here: the topology refused on purpose');
});
test('a test that does not ask for the cluster builds nothing', () => expect(builds).toBe(0));
test.fails('a test that asks fails with the build error', async ({ cluster }) => expect(cluster).toBeUndefined());
test.fails('and so does the next, without a second build', async ({ cluster }) => expect(cluster).toBeUndefined());
test('the file tried one build', () => expect(builds).toBe(1));
`,
    );
    const run = await execa(process.execPath, [join(consumer, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', consumer, '--reporter', 'verbose'], {
      cwd: consumer,
      reject: false,
      timeout: 120_000,
      env: { CI: '1', NO_COLOR: '1' },
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.exitCode, output).toBe(0);
    expect(output).toMatch(/Tests\s+4 passed \(4\)/);
  });

  it("type-checks a TypeScript consumer against the package's declarations", async () => {
    await linkDependency('vitest');
    await linkDependency('@types/node');
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', lib: ['ES2023', 'esnext.disposable'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
        files: ['consumer.ts'],
      }),
    );
    await writeFile(
      join(consumer, 'consumer.ts'),
      `import { assertVerdict, buildCluster, loadTopologyFile, runChecks, type BuildOptions, type CheckReport, type Cluster, type Topology } from 'lvs-harness';
import { clusterTest } from 'lvs-harness/vitest';

export async function checkOnce(path: string): Promise<CheckReport> {
  const topology: Topology = await loadTopologyFile(path);
  const options: BuildOptions = { onProgress: (line: string) => console.error(line) };
  await using cluster: Cluster = await buildCluster(topology, options);
  const answers: Array<string | undefined> = (await cluster.request({ count: 2 })).map((outcome) => outcome.body);
  const report = await runChecks(cluster, { assertions: ['distribution', 'tun-contract'] });
  report.verdicts.forEach(assertVerdict);
  // @ts-expect-error: not an assertion (the types are the package's, not any)
  await runChecks(cluster, { assertions: ['no-such-assertion'] });
  // @ts-expect-error: a topology has no such field
  void topology.noSuchField;
  void answers;
  return report;
}

export const test = clusterTest(new URL('./seed.yaml', import.meta.url));
test('answers from the VIP', async ({ cluster }) => {
  const url: string = cluster.vipUrl;
  // @ts-expect-error: a cluster has no such member
  void cluster.noSuchMember;
  void url;
});
`,
    );
    const tsc = await execa(process.execPath, [packagePath('node_modules', 'typescript', 'bin', 'tsc'), '-p', join(consumer, 'tsconfig.json')], { cwd: consumer, reject: false, timeout: 120_000 });
    expect(tsc.exitCode, `${tsc.stdout}\n${tsc.stderr}`).toBe(0);
    // The types came from the unpacked package, not from this project's sources.
    const traced = await execa(process.execPath, [packagePath('node_modules', 'typescript', 'bin', 'tsc'), '-p', join(consumer, 'tsconfig.json'), '--listFiles'], { cwd: consumer, reject: false, timeout: 120_000 });
    const listed = String(traced.stdout).split('\n');
    expect(listed).toContain(join(consumer, 'node_modules', 'lvs-harness', 'dist', 'harness', 'library', 'index.d.ts'));
    expect(listed).toContain(join(consumer, 'node_modules', 'lvs-harness', 'dist', 'harness', 'library', 'vitest.d.ts'));
    expect(listed.filter((file) => file.startsWith(`${packagePath('harness')}/`) || file.startsWith(`${realpathSync(packagePath('harness'))}/`))).toEqual([]);
  });
});
