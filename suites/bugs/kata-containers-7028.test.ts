// kata-containers #7028 (fixtures/bugs/kata-containers-7028.yaml): the fallback tunl0 in every
// namespace once ipip is loaded. Symptom: the client's and the director's namespaces, which
// tunnel nothing, have a tunl0 that cannot be deleted. Fix: fb_tunnels_only_for_init_net 1,
// after which a cluster built anew has tunl0 only where the real servers make their own, and
// passes check. The setting is the initial namespace's, global: the fix is applied only in a
// guest kernel, whose initial namespace is the harness's own (never the host's), and put back.
import { afterAll, describe, expect, it } from 'vitest';
import { buildCluster, runChecks, type Cluster } from '../../harness/library/index.js';
import { inGuest } from '../../harness/kernel/guest-identity.js';
import { ProcessRunner } from '../../harness/process/process-runner.js';
import { loadBugReport } from '../support/bug-reports.js';
import { useCluster } from '../support/use-cluster.js';

const SETTING = 'net.core.fb_tunnels_only_for_init_net';

/** The link names in a host's namespace. */
async function linkNames(cluster: Cluster, host: string): Promise<string[]> {
  return JSON.parse((await cluster.exec(host, ['ip', '-j', 'link', 'show'])).stdout).map((link: { ifname: string }) => link.ifname);
}

describe('kata-containers#7028: tunl0 appears in every namespace once ipip is loaded', () => {
  const cluster = useCluster(() => loadBugReport('kata-containers-7028'));

  it("shows the symptom: the client's and the director's namespaces have a tunl0, and deleting it leaves it there", async () => {
    expect(await linkNames(cluster(), 'client')).toContain('tunl0');
    expect(await linkNames(cluster(), 'lvs')).toContain('tunl0');
    // The kernel takes the deletion of a fallback device without a word, and keeps it.
    await cluster().exec('client', ['ip', 'link', 'del', 'tunl0'], { allowFailure: true });
    expect(await linkNames(cluster(), 'client')).toContain('tunl0');
  });
});

describe.runIf(inGuest())("kata-containers#7028 fixed, in the guest kernel's initial namespace", () => {
  let fixed: Cluster | undefined;
  let before: string | undefined;
  afterAll(async () => {
    await fixed?.stop();
    if (before !== undefined) await setSetting(before);
  });

  it('leaves tunl0 out of the namespaces built after it, except where the real servers make their own, and the cluster passes check', async () => {
    before = await readSetting();
    await setSetting('1');
    fixed = await buildCluster(await loadBugReport('kata-containers-7028'));
    expect(await linkNames(fixed, 'client')).not.toContain('tunl0');
    expect(await linkNames(fixed, 'lvs')).not.toContain('tunl0');
    expect(await linkNames(fixed, 'web1')).toContain('tunl0');
    const report = await runChecks(fixed, { connections: 4 });
    expect(report.verdicts.filter((verdict) => !verdict.ok)).toEqual([]);
  });
});

// In the guest's initial namespace: no netns.
const guestRoot = new ProcessRunner();

async function readSetting(): Promise<string> {
  return (await guestRoot.run(['sysctl', '-n', SETTING])).stdout.trim();
}

async function setSetting(value: string): Promise<void> {
  await guestRoot.run(['sysctl', '-q', '-w', `${SETTING}=${value}`]);
}
