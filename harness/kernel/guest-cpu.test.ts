import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allowedCpusOf, chooseGuestCpu, leastUsedCpu, parseCpuList } from './guest-cpu.js';

describe("choosing a guest's host CPU", () => {
  it('reads CPU lists as the kernel prints them', () => {
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('0-3,8,10-11\n')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList('')).toEqual([]);
    expect(allowedCpusOf('Name:\tnode\nCpus_allowed:\t3\nCpus_allowed_list:\t2,5\nMems_allowed:\t1\n')).toEqual([2, 5]);
    expect(allowedCpusOf('Name:\tnode\n')).toEqual([]);
  });

  it('takes the allowed CPU with the fewest guests, the first on a tie', () => {
    expect(leastUsedCpu([0, 1], new Map())).toBe(0);
    expect(leastUsedCpu([0, 1], new Map([[0, 1]]))).toBe(1);
    expect(leastUsedCpu([0, 1], new Map([[0, 2], [1, 1]]))).toBe(1);
    expect(leastUsedCpu([0, 1], new Map([[0, 1], [1, 1]]))).toBe(0);
    // Guests on CPUs this process may not use do not count, and none is chosen from nothing.
    expect(leastUsedCpu([2, 3], new Map([[0, 5], [3, 1]]))).toBe(2);
    expect(leastUsedCpu([], new Map())).toBeUndefined();
  });

  it('takes the CPU the environment names when this process may use it, and none when it says none', async () => {
    const allowed = allowedCpusOf(readFileSync('/proc/self/status', 'utf8'));
    expect(await chooseGuestCpu({ LVS_HARNESS_UML_CPU: 'none' })).toBeUndefined();
    expect(await chooseGuestCpu({ LVS_HARNESS_UML_CPU: String(allowed.at(-1)) })).toBe(allowed.at(-1));
    // A CPU it may not use is not taken: the least used allowed one is.
    expect(allowed).toContain(await chooseGuestCpu({ LVS_HARNESS_UML_CPU: '100000' }));
  });
});
