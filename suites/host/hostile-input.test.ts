// `lvs-harness demo FILE` (and `check`) fed hostile and broken input, as a user (or a script)
// would feed it: malformed YAML and JSON, wrong types, unknown keys, 10,000 real servers,
// duplicate and overlapping addresses, shell metacharacters, a missing path, a folder, no
// root, a missing tool (ipvsadm, tcpdump, keepalived, linux.uml). Each gets exit 2 and one
// clear error naming the problem (and the file and field for a topology), and nothing is
// built or left behind: no namespace, no User-Mode Linux kernel, no exchange or run folder.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dir as tempDir, type DirectoryResult } from 'tmp-promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../harness/library/index.js';
import { findTool } from '../../harness/process/find-tool.js';
import { packagePath } from '../../harness/package-root.js';
import { runCli, type CliOptions, type CliResult } from '../support/run-cli.js';

/** Put in the environment of every run, so that a kernel or folder it made can be told from another run's. */
const MARK = `lvsh-hostile-${randomUUID()}`;
const EXCHANGE_ROOT = '/var/tmp/lvs-harness';

function environment(extra: Record<string, string> = {}): Record<string, string> {
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return { ...env, LVSH_HOSTILE_MARK: MARK, ...extra };
}

interface Traces {
  namespaces: string[];
  runFolders: string[];
}

async function listOrEmpty(folder: string): Promise<string[]> {
  return readdir(folder).catch(() => []);
}

/** What a build would leave on this machine: namespaces and run folders, by name. */
async function traces(): Promise<Traces> {
  return {
    namespaces: (await listOrEmpty('/run/netns')).filter((name) => name.startsWith('lvsh-')),
    runFolders: (await listOrEmpty(tmpdir())).filter((name) => name.startsWith('lvs-harness-')),
  };
}

/** User-Mode Linux kernels and exchange folders of this suite's runs (they carry MARK). */
async function markedLeftovers(): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await listOrEmpty('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (environ.includes(MARK) && cmdline.includes('lvsh_exchange=')) found.push(`User-Mode Linux process ${pid}`);
  }
  for (const folder of (await listOrEmpty(EXCHANGE_ROOT)).filter((name) => name.startsWith('vm-'))) {
    const command = await readFile(join(EXCHANGE_ROOT, folder, 'command'), 'utf8').catch(() => '');
    if (command.includes(MARK)) found.push(`exchange folder ${join(EXCHANGE_ROOT, folder)}`);
  }
  return found;
}

/**
 * What the run left: namespaces or run folders that appeared and stay (another run's passing
 * probe namespace is gone within the bound), and any kernel or exchange folder of ours.
 */
async function leftBehind(before: Traces): Promise<string[]> {
  const appeared = async () => {
    const now = await traces();
    return [
      ...now.namespaces.filter((name) => !before.namespaces.includes(name)).map((name) => `namespace ${name}`),
      ...now.runFolders.filter((name) => !before.runFolders.includes(name)).map((name) => `run folder ${join(tmpdir(), name)}`),
    ];
  };
  const lasting = await waitFor(
    async () => {
      const found = await appeared();
      if (found.length > 0) throw new Error(`still there: ${found.join(', ')}`);
      return found;
    },
    { timeoutMs: 3_000, awaiting: 'namespaces and run folders that appeared during the run to go' },
  ).catch(() => appeared());
  return [...lasting, ...(await markedLeftovers())];
}

/** Runs `lvs-harness ARGS` and checks what every refusal has in common; returns the result. */
async function refused(args: string[], options: Omit<CliOptions, 'timeoutMs'> = {}): Promise<CliResult> {
  const before = await traces();
  const result = await runCli(args, { ...options, timeoutMs: 60_000, env: options.env ?? environment() });
  expect(result.exitCode, result.stderr).toBe(2);
  // One message, no stack trace, nothing on standard output (no IPVS table, no answers).
  expect(result.stderr.startsWith(`lvs-harness ${args[0]}: `), result.stderr).toBe(true);
  expect(result.stderr, 'a stack trace').not.toMatch(/^\s+at /m);
  expect(result.stdout).toBe('');
  // Refused before a kernel was chosen: nothing was probed, booted or built.
  expect(result.stderr).not.toMatch(/kernel: |building /);
  expect(await leftBehind(before)).toEqual([]);
  return result;
}

const SEED = packagePath('fixtures', 'topologies', 'seed-tun.yaml');

/**
 * Runs the command as on a machine without TOOL: in a mount namespace of its own where the
 * tool's file is /dev/null (not executable), so nothing changes outside that one process.
 */
function withoutTool(tool: string): string[] {
  const path = findTool(tool);
  if (!path) throw new Error(`${tool} is not installed here: scripts/setup.sh installs it`);
  // The path is the script's positional argument, never part of its text.
  return ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', 'mount --bind /dev/null "$1" && shift && exec "$@"', 'without-tool', path];
}

let folder: DirectoryResult;
/** Writes a file into this suite's folder and returns its path. */
async function file(name: string, text: string): Promise<string> {
  const path = join(folder.path, name);
  await writeFile(path, text);
  return path;
}

const SEED_HOSTS = `hosts:
  client: { role: client, address: 192.168.73.50 }
  lvs: { role: director, address: 192.168.73.100 }
  web1: { role: real-server, address: 192.168.73.110 }
`;

beforeAll(async () => {
  folder = await tempDir({ prefix: 'lvsh-hostile-', unsafeCleanup: true });
  await mkdir(EXCHANGE_ROOT, { recursive: true });
});
afterAll(() => folder?.cleanup());

describe('lvs-harness demo refuses broken topology files, naming the file and the problem', () => {
  it('malformed YAML: the parser\'s complaint with its line', async () => {
    const path = await file('broken.yaml', 'name: seed\nhosts:\n  client: { role: client, address: 192.168.73.50\n  lvs: [\n');
    const { stderr } = await refused(['demo', path]);
    expect(stderr).toContain(`invalid topology ${path}:`);
    expect(stderr).toMatch(/\(file\): not valid YAML or JSON: .*line 4/);
  });

  it('malformed JSON: the same, for a file cut short', async () => {
    const path = await file('broken.json', '{"segment": {"subnet": "192.168.73.0/24"}, "hosts": {');
    const { stderr } = await refused(['demo', path]);
    expect(stderr).toContain(`invalid topology ${path}:`);
    expect(stderr).toMatch(/not valid YAML or JSON: .*line 1, column \d+/);
  });

  it('empty, scalar and binary files: the file must hold a mapping', async () => {
    for (const [name, text] of [['empty.yaml', ''], ['scalar.json', '42\n'], ['binary.yaml', '\u0000\u0001\u0002PK\u0003\u0004\u00ff\u00fe']] as const) {
      const path = await file(name, text);
      const { stderr } = await refused(['demo', path]);
      expect(stderr).toMatch(new RegExp(`invalid topology ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\n  \\(file\\): .*(expected object|not valid YAML)`));
    }
  });

  it('wrong types: every field named, with what was expected', async () => {
    const path = await file(
      'types.yaml',
      `segment: { subnet: 192.168.73.0/24, mtu: big }
hosts:
  client: { role: client, address: 192.168.73.50 }
  lvs: { role: director, address: 192.168.73.100 }
  web1: { role: real-server, address: 192.168.73.110, http: { port: "eighty" } }
service: { vip: 192.168.73.120, port: 80, realServers: { host: web1 } }
`,
    );
    const { stderr } = await refused(['demo', path]);
    expect(stderr).toMatch(/  segment\.mtu: .*expected number, received string/);
    expect(stderr).toMatch(/  hosts\.web1\.http\.port: .*expected number, received string/);
    expect(stderr).toMatch(/  service\.realServers: .*expected array, received object/);
  });

  it('unknown keys, at every level, each named where it is', async () => {
    const path = await file(
      'unknown.yaml',
      `segment: { subnet: 192.168.73.0/24 }
hosts:
  client: { role: client, address: 192.168.73.50, adress: 192.168.73.51 }
  lvs: { role: director, address: 192.168.73.100 }
  web1: { role: real-server, address: 192.168.73.110 }
service: { vip: 192.168.73.120, shedular: rr, realServers: [ { host: web1 } ] }
extra: true
`,
    );
    const { stderr } = await refused(['demo', path]);
    expect(stderr).toContain('  hosts.client: unknown key "adress"');
    expect(stderr).toContain('  service: unknown key "shedular"');
    expect(stderr).toContain('  (file): unknown key "extra"');
  });

  it('10,000 real servers: refused for the count, in a few lines and a few seconds', async () => {
    const count = 10_000;
    const hosts = Array.from({ length: count }, (_, index) => `  w${index}: { role: real-server, address: 10.${index >> 16}.${(index >> 8) & 255}.${(index & 255) + 1} }`);
    const servers = Array.from({ length: count }, (_, index) => `    - { host: w${index} }`);
    const text = `segment: { subnet: 10.0.0.0/8 }\nhosts:\n  client: { role: client, address: 10.255.255.1 }\n  lvs: { role: director, address: 10.255.255.2 }\n${hosts.join('\n')}\nservice:\n  vip: 10.255.255.3\n  realServers:\n${servers.join('\n')}\n`;
    const path = await file('huge.yaml', text);
    const started = Date.now();
    const { stderr } = await refused(['demo', path]);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(stderr).toMatch(/  hosts: must list at most \d+ hosts/);
    expect(stderr).toMatch(/  service\.realServers: must list at most \d+ real servers/);
    expect(stderr.split('\n').length).toBeLessThan(10);
  });

  it('duplicate and overlapping addresses: each clash named with both sides', async () => {
    const path = await file(
      'clash.yaml',
      `segment: { subnet: 192.168.73.0/24 }
${SEED_HOSTS}  web2: { role: real-server, address: 192.168.73.110 }
  web3: { role: real-server, address: 192.168.74.5 }
  web4: { role: real-server, address: 192.168.73.255 }
service: { vip: 192.168.73.100, realServers: [ { host: web1 }, { host: web2 }, { host: web1 }, { host: web3 }, { host: web4 } ] }
`,
    );
    const { stderr } = await refused(['demo', path]);
    expect(stderr).toContain('  hosts.web2.address: 192.168.73.110 is already the address of host web1');
    expect(stderr).toMatch(/  hosts\.web3\.address: 192\.168\.74\.5 is outside the segment 192\.168\.73\.0\/24/);
    expect(stderr).toMatch(/  hosts\.web4\.address: 192\.168\.73\.255 is the .*broadcast address/);
    expect(stderr).toMatch(/  service\.vip: 192\.168\.73\.100 is also the address of host lvs/);
    expect(stderr).toMatch(/  service\.realServers\[2\]\.host: web1 is listed twice/);
  });

  it('a host named twice: the duplicate key, with its line', async () => {
    const path = await file('twice.yaml', `segment: { subnet: 192.168.73.0/24 }\n${SEED_HOSTS}  web1: { role: real-server, address: 192.168.73.111 }\nservice: { vip: 192.168.73.120, realServers: [ { host: web1 } ] }\n`);
    const { stderr } = await refused(['demo', path]);
    expect(stderr).toMatch(/not valid YAML or JSON: Map keys must be unique.*line 6/);
  });

  it('shell metacharacters in names, addresses and the file name: refused as text, never run', async () => {
    const pwned = join(folder.path, 'pwned');
    const path = await file(
      'x;touch $(echo pwned) `id`.yaml',
      `name: "x; touch ${pwned}"
segment: { subnet: 192.168.73.0/24 }
hosts:
  "client$(touch ${pwned})": { role: client, address: 192.168.73.50 }
  lvs: { role: director, address: "192.168.73.100\`touch ${pwned}\`" }
  web1: { role: real-server, address: 192.168.73.110 }
service: { vip: 192.168.73.120, realServers: [ { host: "web1 && reboot" } ] }
`,
    );
    const { stderr } = await refused(['demo', path]);
    expect(stderr).toContain(`invalid topology ${path}:`);
    expect(stderr).toMatch(/  name: must be 1-64 letters, digits, dots, dashes or underscores/);
    expect(stderr).toContain(`  hosts.client$(touch ${pwned}): must be lower-case letters`);
    expect(stderr).toMatch(/  hosts\.lvs\.address: must be an IPv4 address/);
    expect(stderr).toMatch(/  service\.realServers\[0\]\.host: must be lower-case letters/);
    expect(existsSync(pwned)).toBe(false);
    expect(existsSync(join(folder.path, 'x'))).toBe(false);
  });

  // The yaml library's guard against an alias bomb ("billion laughs") stops it; the loader
  // turns that into a topology error naming the file.
  it('an alias bomb: refused quickly, naming the file', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (const [index, name] of ['b', 'c', 'd', 'e', 'f', 'g'].entries()) {
      const previous = String.fromCharCode('a'.charCodeAt(0) + index);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(',')}]`);
    }
    const path = await file('bomb.yaml', `${levels.join('\n')}\n`);
    const { stderr } = await refused(['demo', path]);
    expect(stderr).toContain(`invalid topology ${path}:`);
    expect(stderr).toMatch(/alias/i);
  });
});

describe('lvs-harness refuses what it cannot read or run, saying why', () => {
  it('a path that does not exist', async () => {
    const path = join(folder.path, 'no-such-topology.yaml');
    const { stderr } = await refused(['demo', path]);
    expect(stderr).toContain(`invalid topology ${path}:\n  (file): cannot read: no such file`);
  });

  it('a folder instead of a file', async () => {
    const path = join(folder.path, 'a-folder.yaml');
    await mkdir(path, { recursive: true });
    const { stderr } = await refused(['demo', path]);
    expect(stderr).toContain(`invalid topology ${path}:\n  (file): cannot read: is a folder, not a file`);
    await rm(path, { recursive: true });
  });

  it('a bad --count', async () => {
    const { stderr } = await refused(['demo', '--count', 'lots']);
    expect(stderr).toContain('--count must be a positive whole number, got "lots"');
  });

  it('no root (uid 65534): says it needs root, before anything is probed', async () => {
    const { stderr } = await refused(['demo'], { uid: 65534 });
    expect(stderr).toContain('lvs-harness needs root');
  });

  it('no ipvsadm: names the tool and the package, before a kernel is chosen', async () => {
    const { stderr } = await refused(['demo'], { wrapper: withoutTool('ipvsadm') });
    expect(stderr).toContain('missing tool: ipvsadm; install with: apt-get install -y ipvsadm');
  });

  it('no tcpdump, and an assertion that captures: names tcpdump', async () => {
    const { stderr } = await refused(['check', SEED, '--assert', 'round-robin,tun-contract'], { wrapper: withoutTool('tcpdump') });
    expect(stderr).toContain('missing tool: tcpdump; install with: apt-get install -y tcpdump');
  });

  it('no keepalived, and a topology whose rules keepalived loads: names keepalived', async () => {
    const { stderr } = await refused(['check', packagePath('fixtures', 'topologies', 'seed-keepalived.yaml')], { wrapper: withoutTool('keepalived') });
    expect(stderr).toContain('missing tool: keepalived; install with: apt-get install -y keepalived');
  });

  it('a missing tool (no linux.uml on PATH, User-Mode Linux forced): names the package to install', async () => {
    // linux.uml is in /usr/bin: root's sbin folders hold every build tool but nsenter (also in
    // /usr/bin), which a folder of its own lends, and not linux.uml.
    const lender = await tempDir({ unsafeCleanup: true, mode: 0o755 });
    try {
      await symlink(findTool('nsenter')!, join(lender.path, 'nsenter'));
      const { stderr } = await refused(['demo'], { env: environment({ PATH: `${lender.path}:/usr/sbin:/sbin`, LVS_HARNESS_KERNEL: 'uml' }) });
      expect(stderr).toContain('User-Mode Linux is not installed');
      expect(stderr).toContain('apt-get install -y user-mode-linux');
    } finally {
      await lender.cleanup();
    }
  });
});
