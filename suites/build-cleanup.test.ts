// A build that fails at any stage leaves nothing behind: no namespace, no process, no run
// folder. And a full build's stop() removes everything too.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILD_STAGES, buildCluster, CommandError, InjectedFailure } from '../harness/library/index.js';
import { newRunId } from '../harness/plan/cluster-plan.js';
import { leftoversOf as leftovers } from './support/leftovers.js';
import { seedTopology, withHost } from './support/topologies.js';

const leftoversOf = (runId: string) => leftovers(runId, { anyAgentProcess: true });

describe('cleanup', () => {
  it.each(BUILD_STAGES)('a build failing after stage "%s" leaves nothing behind', async (stage) => {
    const runId = newRunId();
    await expect(buildCluster(await seedTopology(), { runId, injectFailureAfter: stage })).rejects.toThrow(InjectedFailure);
    expect(leftoversOf(runId)).toEqual([]);
  });

  it('a real server whose extra command collides fails the build with the command, namespace and stderr, and leaves nothing', async () => {
    const runId = newRunId();
    // web2 tries to take web1's address: the kernel refuses the duplicate route/address.
    const colliding = withHost(await seedTopology(), 'web2', () => ({ commands: [['ip', 'addr', 'add', '192.168.73.111/24', 'dev', 'eth0']] }));
    const failure = await buildCluster(colliding, { runId }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CommandError);
    expect((failure as CommandError).netns).toBe(`lvsh-${runId}-web2`);
    expect((failure as Error).message).toMatch(/in namespace lvsh-\w+-web2 exited with code 2: ip netns exec \S+ ip addr add 192.168.73.111\/24 dev eth0\n\s+.*(File exists|already assigned)/);
    expect(leftoversOf(runId)).toEqual([]);
  });

  it('a second build with a live run\'s id is refused before it touches anything of that run', async () => {
    const cluster = await buildCluster(await seedTopology());
    try {
      await expect(buildCluster(await seedTopology(), { runId: cluster.runId })).rejects.toThrow(`run id ${cluster.runId} is already recorded by another run`);
      expect(readdirSync('/run/netns').filter((name) => name.includes(cluster.runId))).toHaveLength(5);
      expect((await cluster.request({ count: 2 })).every((outcome) => outcome.ok)).toBe(true);
    } finally {
      await cluster.stop();
    }
  });

  it('stop() after a full build removes everything, and a second stop() is harmless', async () => {
    const cluster = await buildCluster(await seedTopology());
    expect(leftoversOf(cluster.runId).length).toBeGreaterThan(0);
    await cluster.stop();
    await cluster.stop();
    expect(leftoversOf(cluster.runId)).toEqual([]);
  });
});
