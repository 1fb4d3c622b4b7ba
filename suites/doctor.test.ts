// The doctor on a live cluster: nothing on the seed's cluster; each known pitfall found when
// the cluster is broken that way, and nothing once the fix the doctor printed has been run as
// printed (a shell command line, as a user pastes it).
import { describe, expect, it } from 'vitest';
import { ProcessRunner } from '../harness/process/process-runner.js';
import { useCluster } from './support/use-cluster.js';
import { runDoctor, type PitfallId } from '../harness/library/index.js';
import { seedTopology } from './support/topologies.js';

const VIP = '192.168.73.120';

/** One way to break the cluster, and the commands that mend it should the printed fix not. */
interface Breakage {
  pitfall: PitfallId;
  host: string;
  breakWith: string[] | string[][];
  mendWith: string[] | string[][];
}

/** One command or several, run in order in the host. */
async function runAll(cluster: ReturnType<ReturnType<typeof useCluster>>, host: string, commands: string[] | string[][]): Promise<void> {
  const list = Array.isArray(commands[0]) ? (commands as string[][]) : [commands as string[]];
  for (const argv of list) await cluster.exec(host, argv);
}

const BREAKAGES: Breakage[] = [
  { pitfall: 'rp-filter-on-tunl0', host: 'web1', breakWith: ['sysctl', '-w', 'net.ipv4.conf.tunl0.rp_filter=1'], mendWith: ['sysctl', '-w', 'net.ipv4.conf.tunl0.rp_filter=0'] },
  { pitfall: 'arp-ignore', host: 'web2', breakWith: ['sysctl', '-w', 'net.ipv4.conf.all.arp_ignore=0', 'net.ipv4.conf.eth0.arp_ignore=0'], mendWith: ['sysctl', '-w', 'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.eth0.arp_ignore=1'] },
  { pitfall: 'arp-announce', host: 'web1', breakWith: ['sysctl', '-w', 'net.ipv4.conf.all.arp_announce=0', 'net.ipv4.conf.eth0.arp_announce=0'], mendWith: ['sysctl', '-w', 'net.ipv4.conf.all.arp_announce=2', 'net.ipv4.conf.eth0.arp_announce=2'] },
  { pitfall: 'tunl0-down', host: 'web2', breakWith: ['ip', 'link', 'set', 'tunl0', 'down'], mendWith: ['ip', 'link', 'set', 'tunl0', 'up'] },
  { pitfall: 'vip-missing-on-real-server', host: 'web1', breakWith: ['ip', 'addr', 'del', `${VIP}/32`, 'dev', 'tunl0'], mendWith: ['ip', 'addr', 'add', `${VIP}/32`, 'dev', 'tunl0'] },
  {
    // The walkthrough's VIP/24 on tunl0, and the uplink's route gone (as after a bounce): replies go into the tunnel.
    pitfall: 'replies-into-tunnel',
    host: 'web2',
    breakWith: [['ip', 'addr', 'add', `${VIP}/24`, 'dev', 'tunl0'], ['ip', 'route', 'del', '192.168.73.0/24', 'dev', 'eth0']],
    mendWith: [['ip', 'addr', 'del', `${VIP}/24`, 'dev', 'tunl0'], ['ip', 'route', 'add', '192.168.73.0/24', 'dev', 'eth0', 'proto', 'kernel', 'scope', 'link', 'src', '192.168.73.111']],
  },
  { pitfall: 'director-ip-forward', host: 'lvs', breakWith: ['sysctl', '-w', 'net.ipv4.ip_forward=0'], mendWith: ['sysctl', '-w', 'net.ipv4.ip_forward=1'] },
  { pitfall: 'director-send-redirects', host: 'lvs', breakWith: ['sysctl', '-w', 'net.ipv4.conf.eth0.send_redirects=1'], mendWith: ['sysctl', '-w', 'net.ipv4.conf.eth0.send_redirects=0'] },
  { pitfall: 'vip-missing-on-director', host: 'lvs', breakWith: ['ip', 'addr', 'del', `${VIP}/32`, 'dev', 'eth0'], mendWith: ['ip', 'addr', 'add', `${VIP}/32`, 'dev', 'eth0'] },
  { pitfall: 'ipvs-table-differs', host: 'lvs', breakWith: ['ipvsadm', '-d', '-t', `${VIP}:80`, '-r', '192.168.73.111:80'], mendWith: ['ipvsadm', '-a', '-t', `${VIP}:80`, '-r', '192.168.73.111:80', '-i', '-w', '1'] },
];

describe('the doctor on a live cluster', () => {
  const cluster = useCluster(seedTopology);

  it("finds nothing on the seed's cluster", async () => {
    expect(await runDoctor(cluster())).toEqual([]);
  });

  it.each(BREAKAGES)('finds $pitfall on $host broken that way, and its printed fix mends it', async ({ pitfall, host, breakWith, mendWith }) => {
    await runAll(cluster(), host, breakWith);
    let mended = false;
    try {
      const findings = await runDoctor(cluster());
      expect(findings.map((finding) => `${finding.pitfall}@${finding.host}`)).toEqual([`${pitfall}@${host}`]);
      const { fix } = findings[0]!;
      expect(fix).toContain(`ip netns exec ${cluster().namespaceOf(host)} `);
      // The fix as printed, through a shell, from the root namespace: what a user would paste.
      const applied = await new ProcessRunner().run(['sh', '-c', fix], { allowFailure: true });
      expect(applied.exitCode, `the printed fix failed: ${fix}\n${applied.stderr}`).toBe(0);
      expect(await runDoctor(cluster()), `after the printed fix: ${fix}`).toEqual([]);
      mended = true;
    } finally {
      // Later cases need a healthy cluster even when this one failed.
      if (!mended) await runAll(cluster(), host, mendWith).catch(() => undefined);
    }
  });
});
