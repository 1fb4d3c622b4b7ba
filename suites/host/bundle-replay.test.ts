// A bundle is for someone without this project: its commands.sh, replayed in a fresh kernel,
// rebuilds a working cluster. check --bundle writes it (in the chosen kernel); a new User-Mode
// Linux kernel replays it and asks the VIP.
import { execa } from 'execa';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { SEED_TOPOLOGY_FILE } from '../support/topologies.js';

const REPLAY_CHECK = fileURLToPath(new URL('../support/replay-check.mjs', import.meta.url));

describe('a bundle', () => {
  it('from check --bundle holds the report and captures, and its commands.sh rebuilds a working cluster in a fresh kernel', async () => {
    const folder = await mkdtemp('/var/tmp/lvs-harness-bundle-test-');
    try {
      const archive = join(folder, 'seed.tar.gz');
      const check = await runCli(['check', SEED_TOPOLOGY_FILE, '--connections', '4', '--bundle', archive], { timeoutMs: 300_000 });
      expect(check.exitCode, check.stderr).toBe(0);
      await execa('tar', ['-xzf', archive, '-C', folder]);
      const [root] = readdirSync(folder).filter((name) => name.startsWith('lvs-harness-'));
      const bundle = join(folder, root!);
      expect(await readFile(join(bundle, 'report.txt'), 'utf8')).toContain('PASS  TUN contract');
      expect(readdirSync(join(bundle, 'captures')).filter((name) => name.endsWith('.pcap')).sort()).toEqual(
        ['client-eth0.pcap', 'lvs-eth0.pcap', 'web1-eth0.pcap', 'web1-tunl0.pcap', 'web2-eth0.pcap', 'web2-tunl0.pcap'],
      );
      const ipvs = await readFile(join(bundle, 'state', 'lvs.txt'), 'utf8');
      expect(ipvs).toMatch(/# ipvsadm -Ln --stats --exact\n[\s\S]*TCP\s+192\.168\.73\.120:80\s+\d+/);

      const replay = await runCli(['vm', '--', 'sh', '-c', 'sh "$1/commands.sh" > /tmp/replay.log 2>&1 || { cat /tmp/replay.log; exit 1; }; node "$2" "$1"', 'replay', bundle, REPLAY_CHECK], { timeoutMs: 300_000 });
      expect(replay.exitCode, `${replay.stdout}\n${replay.stderr}`).toBe(0);
      const { answers } = JSON.parse(replay.stdout.trim().split('\n').pop()!) as { answers: string[] };
      expect(new Set(answers)).toEqual(new Set(['this is web1', 'this is web2']));
      expect(answers[0]).not.toBe(answers[1]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
