import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dir } from 'tmp-promise';
import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE, BLOCKS, ClientPorts, FIRST_PORT } from './client-ports.mjs';

describe("the client's source ports", () => {
  it('never repeat within a run, across agents that share the claims file, until the range is spent', async () => {
    const folder = await dir({ unsafeCleanup: true });
    try {
      const claims = join(folder.path, 'client-port-claims');
      const first = new ClientPorts(claims);
      const second = new ClientPorts(claims);
      const ports: number[] = [];
      // Interleaved, as two `lvs-harness request` commands on one live run would be.
      for (let index = 0; index < 3 * BLOCK_SIZE; index += 1) ports.push(first.next(), second.next());
      expect(new Set(ports).size).toBe(ports.length);
      expect(Math.min(...ports)).toBe(FIRST_PORT);
      expect(Math.max(...ports)).toBeLessThan(32_768);
      expect((await readFile(claims, 'utf8')).trim().split('\n')).toHaveLength(6);
    } finally {
      await folder.cleanup();
    }
  });

  it('collide between agents that do not share the claims file, which is why every agent of a run gets it', () => {
    expect(new ClientPorts(undefined).next()).toBe(new ClientPorts(undefined).next());
  });

  it('without a claims file, count blocks in the one agent, and wrap only after the whole range', () => {
    const ports = new ClientPorts(undefined);
    const seen = Array.from({ length: BLOCKS * BLOCK_SIZE }, () => ports.next());
    expect(new Set(seen).size).toBe(BLOCKS * BLOCK_SIZE);
    expect(ports.next()).toBe(FIRST_PORT);
  });
});
