// User-Mode Linux on this machine's CPU, whatever it is: with the harness's ptrace fix the
// guest's init runs and several threads doing vector work inside it compute what they compute
// on the host; `kernel` says whether the fix was needed; and without it, on a CPU with AMX,
// the choice of kernel fails with the console's words and the cause, exit 2.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/run-cli.js';

const WORKOUT = fileURLToPath(new URL('../support/fpu-workout.mjs', import.meta.url));
const HAS_AMX = /\bamx_tile\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
/** Probes User-Mode Linux even where the host kernel could host clusters itself. */
const UML = { ...process.env, LVS_HARNESS_KERNEL: 'uml' } as Record<string, string>;

interface KernelJson {
  kind: string;
  placement: string;
  guest?: { guestRelease: string; xstateFix: { used: boolean; needed: boolean; detail?: string } };
}

describe("User-Mode Linux's ptrace fix for large XSAVE states", () => {
  it('lets several threads inside the guest compute exactly what they compute on the host', async () => {
    const host = await execa(process.execPath, [WORKOUT, '4', '30']);
    const guest = await runCli(['vm', '--', process.execPath, WORKOUT, '4', '30'], { timeoutMs: 240_000 });
    expect(guest.exitCode, guest.stderr).toBe(0);
    const line = guest.stdout.split('\n').find((text) => text.startsWith('{"threads"'));
    expect(line, `the guest printed:\n${guest.stdout}\n${guest.stderr}`).toBeDefined();
    expect(JSON.parse(line!)).toEqual(JSON.parse(String(host.stdout)));
  });

  it('is reported by kernel --json: preloaded, and needed exactly when it acted (always on a CPU with AMX)', async () => {
    const result = await runCli(['kernel', '--json'], { env: UML, timeoutMs: 180_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const choice = JSON.parse(result.stdout) as KernelJson;
    expect(choice.kind).toBe('guest');
    expect(choice.placement).toBe('uml');
    expect(choice.guest?.guestRelease).toMatch(/^\d+\.\d+\.\d+/);
    expect(choice.guest?.xstateFix.used).toBe(true);
    expect(choice.guest?.xstateFix.needed).toBe(choice.guest?.xstateFix.detail !== undefined);
    if (HAS_AMX) expect(choice.guest?.xstateFix.detail).toMatch(/uml=\d+ kernel=\d+/);
  });

  it(`turned off (LVS_HARNESS_XSTATE_FIX=off): ${HAS_AMX ? 'this CPU has AMX, so the kernel choice fails naming the cause, exit 2' : 'this CPU has no AMX, so the guest still runs'}`, async () => {
    const result = await runCli(['kernel'], { env: { ...UML, LVS_HARNESS_XSTATE_FIX: 'off' }, timeoutMs: 180_000 });
    if (!HAS_AMX) {
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toContain('ptrace fix for large XSAVE state: not available (LVS_HARNESS_XSTATE_FIX=off turned it off), not needed on this CPU');
      return;
    }
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('cannot run a process on this machine: the User-Mode Linux kernel panicked');
    expect(result.stderr).toContain('userspace - ptrace set fp regs failed, errno = 14');
    expect(result.stderr).toMatch(/likely cause: the host CPU's XSAVE state is larger than the buffer User-Mode Linux 6\.1 restores it from/);
    expect(result.stderr).toContain('Unset LVS_HARNESS_XSTATE_FIX');
    // The kernel stack the panic prints is summarised, not quoted.
    expect(result.stderr).toMatch(/\(\d+ lines of a kernel stack trace\)/);
  });
});
