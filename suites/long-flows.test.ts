// Uploads and long-lived connections on the seed's cluster: a POST's body arrives whole through
// the tunnel; a connection kept open is asked again after a change and reports what the change
// did to it: kept (survived), or cut off silently (stalled). Resets are shown by the bug
// reports that cause them (suites/bugs/moby-31208, keepalived-1225).
import { describe, expect, it } from 'vitest';
import { seedTopology } from './support/topologies.js';
import { useCluster } from './support/use-cluster.js';
import { editRealServer } from './support/director-rules.js';

describe("uploads and long-lived connections on the seed's cluster", () => {
  const cluster = useCluster(seedTopology);

  it('carries a 200 KB upload whole to each real server in turn', async () => {
    const uploads = await cluster().request({ count: 2, uploadBytes: 200_000 });
    expect(uploads.map((outcome) => [outcome.ok, outcome.receivedBytes, outcome.sentBytes])).toEqual([
      [true, 200_000, 200_000],
      [true, 200_000, 200_000],
    ]);
    expect(new Set(uploads.map((outcome) => outcome.servedBy))).toEqual(new Set(['web1', 'web2']));
  });

  it('keeps an open connection on its real server across a weight change of the other, and after its own is quiesced', async () => {
    const flow = await cluster().openFlow();
    const own = flow.servedBy!;
    const other = own === 'web1' ? 'web2' : 'web1';
    await editRealServer(cluster(), other, 5);
    expect(await flow.ask()).toMatchObject({ state: 'survived', servedBy: own });
    // Weight 0 stops new connections, not established ones.
    await editRealServer(cluster(), own, 0);
    expect(await flow.ask()).toMatchObject({ state: 'survived', servedBy: own });
    await editRealServer(cluster(), own, 1);
    await editRealServer(cluster(), other, 1);
    await flow.close();
  });

  it("reports a connection stalled when its real server's tunnel goes down under it, and survived again once it is back", async () => {
    const flow = await cluster().openFlow();
    const own = flow.servedBy!;
    await cluster().exec(own, ['ip', 'link', 'set', 'tunl0', 'down']);
    const stalled = await flow.ask(1_500);
    expect(stalled.state, stalled.error).toBe('stalled');
    await cluster().exec(own, ['ip', 'link', 'set', 'tunl0', 'up']);
    const second = await cluster().openFlow();
    expect((await second.ask()).state).toBe('survived');
    await second.close();
  });
});
