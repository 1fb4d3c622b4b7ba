// keepalived as the director's rule loader: the build writes keepalived.conf from the
// topology, keepalived fills the IPVS table, the client's requests take turns as with
// ipvsadm-restore, and stop() ends keepalived. A configuration keepalived rejects fails the
// build in keepalived's own words and leaves nothing behind.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertVerdict,
  buildCluster,
  InjectedFailure,
  judgeHealthAgreement,
  judgeRoundRobin,
  KeepalivedConfigError,
  loadTopologyFile,
  observeHealthAgreement,
  renderKeepalivedConf,
  type Cluster,
} from '../harness/library/index.js';
import { newRunId } from '../harness/plan/cluster-plan.js';
import { keepalivedPidsIn } from '../harness/keepalived/keepalived-process.js';
import { leftoversOf } from './support/leftovers.js';

const KEEPALIVED_TOPOLOGY = fileURLToPath(new URL('../fixtures/topologies/seed-keepalived.yaml', import.meta.url));

describe("the seed's cluster with keepalived loading the director's rules", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await buildCluster(await loadTopologyFile(KEEPALIVED_TOPOLOGY));
  });
  afterAll(() => cluster?.stop());

  it("runs keepalived from the keepalived.conf the topology renders, in the director's namespace", async () => {
    const config = cluster.keepalived!.configPath('lvs');
    expect(config.startsWith(cluster.runDir)).toBe(true);
    expect(readFileSync(config, 'utf8')).toBe(renderKeepalivedConf(cluster.topology, 'lvs', 'eth0'));
    expect(cluster.keepalived!.isRunning('lvs')).toBe(true);
    expect(await keepalivedPidsIn(cluster.namespaceOf('lvs'))).not.toEqual([]);
  });

  it('has keepalived fill the IPVS table the topology asks for: rr over web1 and web2, tunnelled', async () => {
    const table = await cluster.ipvsTable();
    expect(table).toMatch(/TCP\s+192\.168\.73\.120:80 rr/);
    expect(table).toMatch(/-> 192\.168\.73\.110:80\s+Tunnel\s+1/);
    expect(table).toMatch(/-> 192\.168\.73\.111:80\s+Tunnel\s+1/);
    // keepalived's own account: both real servers checked and found up.
    const log = await cluster.keepalived!.log('lvs');
    expect(log).toContain('Activating healthchecker for service [192.168.73.110]:tcp:80');
  });

  it('answers 4 connections to the VIP, web1 and web2 taking turns', async () => {
    assertVerdict(judgeRoundRobin(cluster.topology, await cluster.request({ count: 4 })));
  });

  it("agrees with keepalived's health checks: each real server it keeps answers every connection the director gives it", async () => {
    const verdict = judgeHealthAgreement(cluster.topology, await observeHealthAgreement(cluster, { count: 4 }));
    assertVerdict(verdict);
    expect(verdict.message).toContain('web1 2 of 2, web2 2 of 2');
  });

  it('stops keepalived with the cluster, leaving no process, namespace or folder', async () => {
    await cluster.stop();
    expect(cluster.keepalived!.isRunning('lvs')).toBe(false);
    expect(leftoversOf(cluster.runId)).toEqual([]);
  });
});

describe('a keepalived.conf that keepalived rejects', () => {
  it("fails the build with keepalived's own message and the line it names, and leaves nothing", async () => {
    const runId = newRunId();
    const failure = await buildCluster(await loadTopologyFile(KEEPALIVED_TOPOLOGY), {
      runId,
      keepalivedConfig: (_director, rendered) => rendered.replace('  lb_kind TUN\n', '  lb_kind TUN\n  lb_kynd TUN\n'),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KeepalivedConfigError);
    const message = (failure as Error).message;
    expect(message).toMatch(/^keepalived on lvs rejects its configuration \S+\/keepalived-lvs\.conf \(keepalived --config-test exited with \d+\):\n/);
    expect(message).toContain("Unknown keyword 'lb_kynd'");
    expect(message).toMatch(/line \d+: lb_kynd TUN/);
    expect(leftoversOf(runId)).toEqual([]);
  });
});

describe('a keepalived build that fails once keepalived runs', () => {
  it('stops keepalived with the rest, leaving no process, namespace or folder', async () => {
    const runId = newRunId();
    await expect(buildCluster(await loadTopologyFile(KEEPALIVED_TOPOLOGY), { runId, injectFailureAfter: 'keepalived' })).rejects.toThrow(InjectedFailure);
    expect(leftoversOf(runId)).toEqual([]);
  });
});
