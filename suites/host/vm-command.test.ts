// `lvs-harness vm` on the host, as a user runs it: the command's exit code comes back, its
// output is streamed, and a kernel that hangs or panics is reported as such, with the
// console's last lines, a non-zero exit and no UML process left behind.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { waitFor } from '../../harness/library/index.js';
import { CLI, runCli, orphanedUmlProcesses } from '../support/run-cli.js';

/** The direct children of a process, from /proc. */
function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('lvs-harness vm', () => {
  it("carries the command's exit code and output back from the guest", async () => {
    const result = await runCli(['vm', '--', 'sh', '-c', 'echo "inside $(uname -r)"; ipvsadm -Ln | head -1; exit 7']);
    expect(result.exitCode).toBe(7);
    expect(result.stdout).toMatch(/inside 6\.1\.\d+/);
    expect(result.stdout).toContain('IP Virtual Server version');
    // The kernel's boot and power-off chatter is not the user's output.
    expect(result.stdout).not.toMatch(/Powering off|reboot: System halted/);
  });

  it('passes arguments through without a shell', async () => {
    const result = await runCli(['vm', '--', 'printf', '%s|', 'a b', '$(id)', "it's"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("a b|$(id)|it's|");
  });

  it('reports a hung kernel after --timeout, with the console, and kills it', async () => {
    // Long enough for a boot on a loaded machine to reach the command, short for a test.
    const result = await runCli(['vm', '--timeout', '12', '--', 'sh', '-c', 'echo going to sleep; sleep 600']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/did not finish within 12 s and was killed \(hung\); the console's last lines:\n[\s\S]*going to sleep/);
    expect(await orphanedUmlProcesses()).toEqual([]);
  });

  it('reports a kernel panic with the panic message', async () => {
    const result = await runCli(['vm', '--', 'sh', '-c', 'echo c > /proc/sysrq-trigger']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/the User-Mode Linux kernel panicked; the console's last lines:\n[\s\S]*Kernel panic - not syncing/);
    expect(await orphanedUmlProcesses()).toEqual([]);
  });

  it('reports a kernel killed from outside, and leaves no UML process', async () => {
    const child = execa(process.execPath, [CLI, 'vm', '--', 'sh', '-c', 'echo ready; sleep 600'], { reject: false, stdin: 'ignore' });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await waitFor(async () => {
      if (!stdout.includes('ready')) throw new Error('the guest has not started the command yet');
    }, { timeoutMs: 60_000, awaiting: 'the guest to print ready' });
    const kernel = childrenOf(child.pid!).find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'linux.uml');
    expect(kernel).toBeDefined();
    process.kill(kernel!, 'SIGKILL');
    const result = await child;
    expect(result.exitCode).toBe(2);
    expect(String(result.stderr)).toMatch(/the User-Mode Linux kernel was killed by SIGKILL; the console's last lines:\n[\s\S]*ready/);
    expect(await orphanedUmlProcesses()).toEqual([]);
  });

  it('refuses a missing command and a bad option with exit 2', async () => {
    expect(await runCli(['vm'])).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('vm: no command given') });
    expect(await runCli(['vm', '--mem', 'lots', '--', 'true'])).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('--mem must be a positive whole number, got "lots"') });
  });

  it('refuses to run without root, saying so', async () => {
    const result = await runCli(['vm', '--', 'true'], { uid: 65534 });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('lvs-harness needs root');
  });
});
