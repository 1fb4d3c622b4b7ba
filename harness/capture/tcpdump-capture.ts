// One tcpdump, the real one, on one interface inside one namespace, writing a pcap file. It
// is started before the traffic and known to be listening by what it says on stderr; it
// also prints each packet (--print), so the harness can wait until it has seen a given packet
// before stopping it, instead of sleeping and hoping the last packets were written.
import type { ProcessRunner } from '../process/process-runner.js';
import type { RunningProcess } from '../process/running-process.js';

export interface CaptureTarget {
  host: string;
  role: 'client' | 'director' | 'real-server';
  netns: string;
  iface: string;
  file: string;
}

const LISTEN_TIMEOUT_MS = 30_000;

/**
 * Bytes kept of each packet (tcpdump -s). In immediate mode libpcap's ring has one slot per
 * packet, as large as this length when the interface offloads segmentation (veth does): at
 * tcpdump's default of 262144 bytes its ring holds a few dozen packets, and a tcpdump not
 * scheduled for a moment (one CPU under User-Mode Linux, with other work) loses the rest.
 * Measured in UML with tcpdump stopped while 300 datagrams crossed a veth: 277 dropped at the
 * default, none at 2048. 2048 bytes hold every header and a whole 1500-byte frame.
 */
export const SNAPSHOT_BYTES = 2048;
/** The ring's size in KiB (tcpdump -B) for traffic of unknown size: room for thousands of packets of SNAPSHOT_BYTES. */
export const RING_KIB = 8192;

/**
 * A ring that holds every packet a batch of `connections` shows at one point, so a tcpdump not
 * scheduled for the whole batch still loses none of it. Inside User-Mode Linux the kernel's
 * setting up of the ring is most of a tcpdump's start: six at 8192 KiB took 1.9 s to listen,
 * at 2048 KiB 0.9 s (scripts/bench-capture.mjs). A connection is counted at 16 packets (the
 * handshake, request, answer, acknowledgements, the close, ARP) and two more per 1400 bytes of
 * body, each a slot of SNAPSHOT_BYTES and its header (in immediate mode libpcap's ring has
 * fixed slots); never under 1024 KiB nor over four times RING_KIB.
 */
export function ringKibFor(connections: number, bodyBytes = 0): number {
  const packets = connections * (16 + 2 * Math.ceil(bodyBytes / 1400));
  return Math.min(4 * RING_KIB, Math.max(1024, Math.ceil((packets * (SNAPSHOT_BYTES + 128)) / 1024)));
}

/** How tcpdump buffers; the defaults are what captures need, a test passes others to show why. */
export interface CaptureBuffering {
  snapshotBytes?: number;
  ringKib?: number;
}

/** The count in tcpdump's exit summary line `N packets dropped by kernel`, if it printed one. */
export function droppedByKernel(output: string): number | undefined {
  const match = /^(\d+) packets? dropped by kernel$/m.exec(output);
  return match ? Number(match[1]) : undefined;
}

export class TcpdumpCapture {
  private constructor(
    readonly target: CaptureTarget,
    private readonly process: RunningProcess,
  ) {}

  /** Starts tcpdump and resolves once it is listening. */
  static async start(runner: ProcessRunner, target: CaptureTarget, buffering: CaptureBuffering = {}): Promise<TcpdumpCapture> {
    const snapshot = String(buffering.snapshotBytes ?? SNAPSHOT_BYTES);
    const ring = String(buffering.ringKib ?? RING_KIB);
    const tcpdump = runner.spawn(
      // -U and --immediate-mode: every packet reaches the file and stdout as it comes.
      // -Z root: Debian's tcpdump would drop to its own user and fail to write the file.
      ['tcpdump', '-i', target.iface, '-w', target.file, '--print', '-l', '-nn', '-e', '-U', '--immediate-mode', '-s', snapshot, '-B', ring, '-Z', 'root'],
      { netns: target.netns, label: `tcpdump on ${target.host}:${target.iface}` },
    );
    try {
      await tcpdump.waitForLine(/listening on /, { timeoutMs: LISTEN_TIMEOUT_MS, awaiting: `tcpdump to listen on ${target.host}:${target.iface}` });
    } catch (error) {
      await tcpdump.stop();
      throw error;
    }
    return new TcpdumpCapture(target, tcpdump);
  }

  /** Waits until tcpdump has printed a packet matching the pattern (so it wrote everything before it). */
  async waitForPacket(pattern: RegExp, awaiting: string, timeoutMs = 10_000): Promise<void> {
    await this.process.waitForLine(pattern, { timeoutMs, awaiting: `tcpdump on ${this.target.host}:${this.target.iface} to see ${awaiting}` });
  }

  /** Stops tcpdump (SIGTERM makes it close the file properly) and waits for it to exit. */
  stop(): Promise<void> {
    return this.process.stop();
  }

  /** After stop(): how many packets the kernel dropped because tcpdump's ring was full. */
  dropped(): number | undefined {
    return droppedByKernel(this.process.lastOutput(10));
  }
}
