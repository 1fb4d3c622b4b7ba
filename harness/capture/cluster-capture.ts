// Captures a cluster's traffic where the TUN contract is decided: the client's and the
// director's uplinks, each real server's uplink and its tunl0. One pcap file per point, in
// one evidence folder per capture.
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cluster } from '../cluster/cluster.js';
import { KEPT_NOTE, makeEvidenceFolder } from '../evidence-folder.js';
import { requireTools } from '../process/find-tool.js';
import { CAPTURE_TOOLS } from '../plan/tools-needed.js';
import { readCaptureFile } from '../packets/index.js';
import { vipDevice } from '../topology/topology.js';
import type { CapturePoint } from '../verdicts/index.js';
import { TcpdumpCapture, type CaptureBuffering, type CaptureTarget } from './tcpdump-capture.js';
import { waitFor } from '../process/wait-for.js';
import { UndoStack } from '../process/undo-stack.js';

/** How long one marker is waited for before another is sent, and how long in all. */
const MARKER_ATTEMPT_MS = 3_000;
const MARKER_TIMEOUT_MS = 30_000;

export interface FinishedCapture {
  folder: string;
  points: CapturePoint[];
  /** Points where tcpdump's ring overflowed: their files miss packets, so no verdict may rest on them. */
  drops: Array<{ host: string; iface: string; packets: number }>;
  /** Points where tcpdump could not start (an interface down or gone): the cluster's doing, reported, not thrown. */
  unopened: UnopenedPoint[];
}

export interface UnopenedPoint {
  host: string;
  iface: string;
  error: string;
}

export class ClusterCapture {
  private finished = false;

  private constructor(
    private readonly cluster: Cluster,
    readonly folder: string,
    private readonly captures: TcpdumpCapture[],
    /** Undoes the capture (tcpdump stopped, folder removed) until it is discarded or kept. */
    private readonly owned: UndoStack,
    /** Points tcpdump could not open: a broken cluster's interface, named in the verdict. */
    readonly unopened: UnopenedPoint[] = [],
  ) {}

  /** Starts tcpdump at every point and resolves once all of them listen. */
  static async start(cluster: Cluster, buffering: CaptureBuffering = {}): Promise<ClusterCapture> {
    requireTools(CAPTURE_TOOLS);
    const folder = await makeEvidenceFolder(cluster.runId, 'captures');
    // A signal mid-capture unwinds every live undo stack: the unfinished capture goes with the
    // cluster instead of staying behind as a folder of half-written files.
    const captures: TcpdumpCapture[] = [];
    const owned = new UndoStack();
    owned.push('remove the unfinished capture', async () => {
      await Promise.all(captures.map((capture) => capture.stop()));
      await rm(folder, { recursive: true, force: true });
    });
    const targets = captureTargets(cluster, folder);
    const started = await Promise.allSettled(
      targets.map(async (target) => {
        const capture = await TcpdumpCapture.start(cluster.runner, target, buffering);
        captures.push(capture);
        return capture;
      }),
    );
    // A point that cannot be opened (its interface down or gone) is the cluster's state, not
    // the harness's failure: the rest is captured and the verdict names what is missing.
    const unopened = started.flatMap((result, index) =>
      result.status === 'rejected' ? [{ host: targets[index]!.host, iface: targets[index]!.iface, error: firstLine(result.reason) }] : [],
    );
    if (unopened.length === targets.length) {
      await owned.unwind();
      throw (started[0] as PromiseRejectedResult).reason;
    }
    // In the targets' order, not the order they happened to start in.
    const ordered = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    return new ClusterCapture(cluster, folder, ordered, owned, unopened);
  }

  /**
   * Ends the capture: a broadcast marker from the client, waited for on every Ethernet
   * capture (so each has written all that came before it), then tcpdump stopped and every
   * file decoded.
   */
  async finish(): Promise<FinishedCapture> {
    if (this.finished) throw new Error(`the capture in ${this.folder} was already finished`);
    this.finished = true;
    try {
      // A datagram can be lost (it is UDP): each attempt sends another marker and waits a
      // little for any of those sent so far, all bounded by MARKER_TIMEOUT_MS.
      const ports: number[] = [];
      const client = this.cluster.client.address.replace(/\./g, '\\.');
      // The broadcast marker passes the uplinks only, not the tunnel devices.
      const ethernetCaptures = this.captures.filter((capture) => capture.target.iface === this.cluster.plan.uplink);
      await waitFor(
        async () => {
          ports.push(await this.cluster.sendBroadcastMarker());
          const marker = new RegExp(`${client}\\.(${ports.join('|')}) > [\\d.]+\\.9: UDP`);
          await Promise.all(
            ethernetCaptures.map((capture) => capture.waitForPacket(marker, `the client's broadcast marker from port ${ports.join(' or ')}`, MARKER_ATTEMPT_MS)),
          );
        },
        { timeoutMs: MARKER_TIMEOUT_MS, awaiting: `every Ethernet capture to see the client's broadcast marker`, intervalMs: 10, maxIntervalMs: 10 },
      );
    } finally {
      await Promise.all(this.captures.map((capture) => capture.stop()));
    }
    const points = await Promise.all(
      this.captures.map(async ({ target }) => ({
        host: target.host,
        role: target.role,
        iface: target.iface,
        file: target.file,
        packets: await readCaptureFile(target.file),
      })),
    );
    const drops = this.captures.flatMap((capture) => {
      const packets = capture.dropped() ?? 0;
      return packets > 0 ? [{ host: capture.target.host, iface: capture.target.iface, packets }] : [];
    });
    return { folder: this.folder, points, drops, unopened: this.unopened };
  }

  /** Removes the capture files (after a passing check, unless the user keeps them). */
  async discard(): Promise<void> {
    const failures = await this.owned.unwind();
    if (failures.length > 0) throw failures[0]!.error;
  }

  /** Keeps the finished capture for the user, with a note saying why; gc leaves it alone. */
  async keep(note: string): Promise<void> {
    await writeFile(join(this.folder, KEPT_NOTE), note);
    this.owned.release();
  }

  /** The pcap files, for messages. */
  async files(): Promise<string[]> {
    return (await readdir(this.folder)).filter((name) => name.endsWith('.pcap')).map((name) => join(this.folder, name));
  }
}

/** tcpdump's own complaint ("tcpdump: tunl0: That device is not up") if the error holds it, else its first line. */
function firstLine(error: unknown): string {
  const lines = String((error as Error)?.message ?? error).split('\n').map((line) => line.trim());
  return lines.find((line) => line.startsWith('tcpdump: ')) ?? lines[0]!;
}

/** Where to capture: pure, from the cluster's topology. */
export function captureTargets(cluster: Cluster, folder: string): CaptureTarget[] {
  return cluster.topology.hosts.flatMap((host) => {
    // A real server's tunnel device too: where its decapsulated packets appear (tunl0, or an IPv6 VIP's ip6tnl0 or sit0).
    const interfaces = host.role === 'real-server' ? [cluster.plan.uplink, vipDevice(cluster.topology.service)] : [cluster.plan.uplink];
    return interfaces.map((iface) => ({
      host: host.name,
      role: host.role,
      netns: cluster.namespaceOf(host.name),
      iface,
      file: join(folder, `${host.name}-${iface}.pcap`),
    }));
  });
}
