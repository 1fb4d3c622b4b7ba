// "The page loaded" does not prove LVS-TUN: direct routing and NAT answer the same curl. These
// suites judge every connection from packets captured on the hosts themselves, and show the
// judgement fails, on the right property, for a director in direct-routing and in NAT mode.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useCluster } from './support/use-cluster.js';
import { assertVerdict, checkTunContract, ClusterCapture, describeDrops, ringKibFor, type CaptureBuffering, type ForwardingMethod } from '../harness/library/index.js';
import { seedTopology, withForwarding } from './support/topologies.js';

/** Which properties failed, over all connections. */
function failedProperties(check: Awaited<ReturnType<typeof checkTunContract>>): number[] {
  return [...new Set(check.connections.flatMap((connection) => connection.properties.filter((property) => !property.ok).map((property) => property.id)))].sort();
}

describe("the seed's cluster keeps the TUN contract", () => {
  const cluster = useCluster(seedTopology);

  it('on every connection, all five properties, with several connections to each real server', async () => {
    const check = await checkTunContract(cluster(), { connections: 8 });
    assertVerdict(check.verdict);
    expect(check.connections).toHaveLength(8);
    const perServer = new Map<string, number>();
    for (const connection of check.connections) perServer.set(connection.realServer ?? '?', (perServer.get(connection.realServer ?? '?') ?? 0) + 1);
    expect(Object.fromEntries(perServer)).toEqual({ web1: 4, web2: 4 });
    expect(check.connections.every((connection) => connection.synCaptured)).toBe(true);
    // A pass removes the captures unless asked to keep them.
    expect(check.captureFolder).toBeUndefined();
  });

  it('keeps the captures when asked, as files tcpdump itself reads', async () => {
    const check = await checkTunContract(cluster(), { connections: 4, keepCaptures: true });
    assertVerdict(check.verdict);
    try {
      expect(check.captureFiles.map((file) => file.split('/').pop()).sort()).toEqual(
        ['client-eth0.pcap', 'lvs-eth0.pcap', 'web1-eth0.pcap', 'web1-tunl0.pcap', 'web2-eth0.pcap', 'web2-tunl0.pcap'],
      );
      const director = check.captureFiles.find((file) => file.endsWith('lvs-eth0.pcap'))!;
      const { stdout } = await execa('tcpdump', ['-r', director, '-nn', '-e']);
      // The director's uplink shows the client's SYN leaving encapsulated: IPIP to a real server.
      expect(stdout).toMatch(/192\.168\.73\.100 > 192\.168\.73\.11[01]: 192\.168\.73\.50\.\d+ > 192\.168\.73\.120\.80: Flags \[S\]/);
    } finally {
      await rm(check.captureFolder!, { recursive: true, force: true });
    }
  });
});

describe('a capture that falls behind', () => {
  const cluster = useCluster(seedTopology);

  /**
   * Captures 60 connections while the director's tcpdump is stopped (SIGSTOP), as a tcpdump
   * starved of CPU would be, then lets it catch up and finishes the capture.
   */
  async function captureWithDirectorPaused(buffering: CaptureBuffering) {
    const capture = await ClusterCapture.start(cluster(), buffering);
    try {
      const pattern = `tcpdump .*-w ${capture.folder}/lvs-eth0.pcap`;
      const { stdout } = await execa('pgrep', ['-f', pattern]);
      const pid = Number(stdout.trim().split('\n')[0]);
      process.kill(pid, 'SIGSTOP');
      try {
        const outcomes = await cluster().request({ count: 60 });
        expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      return await capture.finish();
    } finally {
      await capture.discard();
    }
  }

  it("at tcpdump's default snapshot length its ring overflows, and the drops are named as an incomplete capture", async () => {
    const finished = await captureWithDirectorPaused({ snapshotBytes: 262_144 });
    // The paused one for sure; another point's tcpdump, at that length, may lose packets too.
    const paused = finished.drops.find((drop) => `${drop.host}:${drop.iface}` === 'lvs:eth0');
    expect(paused?.packets, JSON.stringify(finished.drops)).toBeGreaterThan(0);
    expect(describeDrops(finished.drops)).toMatch(/^capture incomplete: .*\d+ at lvs:eth0/);
  });

  it("at the harness's snapshot length and a ring sized for the batch (as a check sizes it), the same pause loses nothing", async () => {
    const finished = await captureWithDirectorPaused({ ringKib: ringKibFor(60) });
    expect(finished.drops).toEqual([]);
  });
});

describe.each<[ForwardingMethod, number[], RegExp]>([
  ['direct-routing', [2], /property 2 \(IP-in-IP to a real server\) failed/],
  ['nat', [2, 3], /property 2 \(IP-in-IP to a real server\) failed[\s\S]*property 3 \(direct return\) failed|property 3 \(direct return\) failed[\s\S]*property 2/],
])('a director in %s mode breaks the contract', (forwarding, expectedFailures, message) => {
  const cluster = useCluster(async () => withForwarding(await seedTopology(), forwarding));

  it(`fails on properties ${expectedFailures.join(' and ')}, naming them, and keeps the captures`, async () => {
    const check = await checkTunContract(cluster(), { connections: 4, requestTimeoutMs: 1_500 });
    try {
      expect(check.verdict.ok).toBe(false);
      expect(failedProperties(check)).toEqual(expectedFailures);
      expect(() => assertVerdict(check.verdict)).toThrow(message);
      expect(check.verdict.message).toContain(`captures are in ${check.captureFolder}`);
      expect(check.verdict.message).toContain('capture files kept');
      for (const file of check.captureFiles) {
        expect(existsSync(file)).toBe(true);
        // Valid files: tcpdump reads every kept capture back.
        await execa('tcpdump', ['-r', file, '-nn', '-c', '1']);
      }
    } finally {
      if (check.captureFolder) await rm(check.captureFolder, { recursive: true, force: true });
    }
  });
});
