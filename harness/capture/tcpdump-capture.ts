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

export class TcpdumpCapture {
  private constructor(
    readonly target: CaptureTarget,
    private readonly process: RunningProcess,
  ) {}

  /** Starts tcpdump and resolves once it is listening. */
  static async start(runner: ProcessRunner, target: CaptureTarget): Promise<TcpdumpCapture> {
    const tcpdump = runner.spawn(
      // -U and --immediate-mode: every packet reaches the file and stdout as it comes.
      // -Z root: Debian's tcpdump would drop to its own user and fail to write the file.
      ['tcpdump', '-i', target.iface, '-w', target.file, '--print', '-l', '-nn', '-e', '-U', '--immediate-mode', '-Z', 'root'],
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
}
