import { describe, expect, it } from 'vitest';
import { balanceShards, kernelSuiteFiles } from './balance-shards.mjs';

describe('balancing the kernel suites over guests', () => {
  it('puts the longest files first, each on the lightest shard, so the totals come out even', () => {
    const shards = balanceShards(['a', 'b', 'c', 'd', 'e'], { a: 100, b: 60, c: 50, d: 40, e: 10 }, 2);
    expect(shards).toEqual([
      { files: ['a', 'd'], seconds: 140 },
      { files: ['b', 'c', 'e'], seconds: 120 },
    ]);
    expect(shards.flatMap((shard) => shard.files).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('counts a file it has no figure for as the median, and leaves no shard empty while files remain', () => {
    const shards = balanceShards(['new', 'x', 'y', 'z'], { x: 10, y: 20, z: 30 }, 3);
    expect(shards.map((shard) => shard.files)).toEqual([['z'], ['new', 'x'], ['y']]);
    expect(shards.flatMap((shard) => shard.files).sort()).toEqual(['new', 'x', 'y', 'z']);
  });

  it("lists the kernel project's files: every suite but the host and matrix ones", () => {
    const files = kernelSuiteFiles('.');
    expect(files).toContain('suites/round-robin.test.ts');
    expect(files).toContain('suites/bugs/katran-24.test.ts');
    expect(files.some((file) => file.startsWith('suites/host/') || file.startsWith('suites/matrix/'))).toBe(false);
  });
});
