// The main job as a user runs it: the seed's answers alternate; a bad file fails before
// anything is built, naming the file and the field.
import { writeFile } from 'node:fs/promises';
import { file as tempFile } from 'tmp-promise';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

describe('lvs-harness demo', () => {
  it("shows the seed's cluster answering web1 and web2 in turn, and exits 0", async () => {
    const result = await runCli(['demo', '--count', '4'], { timeoutMs: 300_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/TCP\s+192\.168\.73\.120:80 rr/);
    const answers = [...result.stdout.matchAll(/^\s+\d+\s+192\.168\.73\.50:\d+\s+(this is web\d)$/gm)].map((match) => match[1]);
    expect(answers).toHaveLength(4);
    expect(new Set(answers)).toEqual(new Set(['this is web1', 'this is web2']));
    expect(answers[0]).not.toBe(answers[1]);
    expect(result.stdout).toContain('round-robin: ok');
    expect(result.stderr).toMatch(/kernel: .*(has IPVS, ipip|User-Mode Linux)/);
  });

  it('rejects a malformed topology with exit 2 before building anything', async () => {
    const bad = await tempFile({ postfix: '.yaml' });
    try {
      await writeFile(bad.path, 'segment: { subnet: 192.168.73.0/24 }\nhosts: {}\nservice: { vip: 192.168.73.120, realServers: [] }\n');
      const result = await runCli(['demo', bad.path]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`invalid topology ${bad.path}`);
      expect(result.stderr).toContain('service.realServers: must list at least one real server');
      expect(result.stderr).not.toContain('kernel:');
    } finally {
      await bad.cleanup();
    }
  });
});
