// moby #31208 (fixtures/bugs/moby-31208.yaml): the director's TCP timeout (5 s here for 900 s).
// Symptom: a connection left idle longer than that is forgotten by the director, and its next
// request is reset. Fix: a timeout longer than the idle time (ipvsadm --set), and the same
// idle connection survives.
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../harness/library/index.js';
import { entriesFromPort, loadBugReport, waitUntilForgotten } from '../support/bug-reports.js';
import { useCluster } from '../support/use-cluster.js';

const BROKEN_TIMEOUT_S = 5;

describe('moby#31208: idle connections cut by the IPVS TCP timeout', () => {
  const cluster = useCluster(() => loadBugReport('moby-31208'));

  it('shows the symptom: an idle connection outlives its director entry, and its next request is reset', async () => {
    const flow = await cluster().openFlow();
    await waitUntilForgotten(cluster(), 'lvs', flow.localPort!, (BROKEN_TIMEOUT_S + 10) * 1_000);
    const after = await flow.ask(2_000);
    expect(after.state, after.error).toBe('reset');
  });

  it('is gone with the fix: with a 900 s timeout the connection, idle past the old timeout, is still answered by its server', async () => {
    await cluster().exec('lvs', ['ipvsadm', '--set', '900', '0', '0']);
    const flow = await cluster().openFlow();
    // Idle past the broken timeout, by the director's own count: its entry's expiry has run down that far.
    await waitFor(
      async () => {
        const [entry] = await entriesFromPort(cluster(), 'lvs', flow.localPort!);
        if (!entry) throw new Error('the director holds no entry for the connection');
        if (entry.expiresIn > 900 - BROKEN_TIMEOUT_S - 1) throw new Error(`its entry expires in ${entry.expiresIn} s`);
      },
      { timeoutMs: (BROKEN_TIMEOUT_S + 10) * 1_000, intervalMs: 250, awaiting: `the connection to stay idle on lvs for more than ${BROKEN_TIMEOUT_S} s` },
    );
    const after = await flow.ask(2_000);
    expect(after.state, after.error).toBe('survived');
    expect(after.servedBy).toBe(flow.servedBy);
    await flow.close();
  });
});
