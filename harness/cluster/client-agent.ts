// The harness's side of the client agent (agents/client-agent.mjs): one Node process in the
// client's namespace, asked for HTTP requests over a JSON-line pipe.
import { join } from 'node:path';
import { packagePath } from '../package-root.js';
import type { ProcessRunner } from '../process/process-runner.js';
import type { RunningProcess } from '../process/running-process.js';
import type { HttpOutcome } from '../traffic/http-outcome.js';

const AGENT_START_TIMEOUT_MS = 60_000;

export class ClientAgent {
  private nextId = 1;
  private readonly pending = new Map<number, (outcome: HttpOutcome) => void>();

  private constructor(private readonly process: RunningProcess) {
    process.onLine((line) => {
      if (!line.startsWith('{')) return;
      const message = JSON.parse(line) as HttpOutcome & { id?: number };
      if (message.id === undefined) return;
      const resolve = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolve?.(message);
    });
    void process.exited.then(() => {
      for (const resolve of this.pending.values()) resolve({ ok: false, error: 'the client agent exited', ms: 0 });
      this.pending.clear();
    });
  }

  /**
   * Starts the agent in a namespace and waits until it says it is ready. `portClaims` is the
   * run's file of claimed source-port blocks (agents/client-ports.mjs), shared by every agent of
   * the run so that no two connections of a run share a client port.
   */
  static async start(runner: ProcessRunner, netns: string, options: { logFile?: string; portClaims?: string } = {}): Promise<ClientAgent> {
    const { logFile, portClaims } = options;
    const argv = [process.execPath, packagePath('harness', 'agents', 'client-agent.mjs'), ...(portClaims ? ['--port-claims', portClaims] : [])];
    const agent = runner.spawn(argv, {
      netns,
      label: 'client agent',
      interactive: true,
      logFile,
    });
    try {
      await agent.waitForLine(/"ready":true/, { timeoutMs: AGENT_START_TIMEOUT_MS, awaiting: `the client agent in ${netns} to start` });
    } catch (error) {
      await agent.stop();
      throw error;
    }
    return new ClientAgent(agent);
  }

  /**
   * One GET on a new TCP connection, from a client port the run has not used before, or from
   * `localPort` when given (to show what a reused port meets). Never throws for network errors:
   * they are outcomes.
   */
  get(url: string, timeoutMs = 5_000, localPort?: number, localAddress?: string): Promise<HttpOutcome> {
    return this.ask({ url, timeoutMs, ...(localPort !== undefined && { localPort }), ...(localAddress !== undefined && { localAddress }) });
  }

  /**
   * One request of the service's kind to `url`: a GET (a POST with `uploadBytes`) on a new TCP
   * connection, or for UDP a datagram to the URL's host and port, its path inside.
   */
  request(protocol: 'tcp' | 'udp', url: string, options: { timeoutMs?: number; localPort?: number; localAddress?: string; uploadBytes?: number } = {}): Promise<HttpOutcome> {
    const { timeoutMs, localPort, localAddress, uploadBytes } = options;
    if (protocol === 'udp') {
      const { hostname, port, pathname } = new URL(url);
      // An IPv6 host comes bracketed out of a URL.
      return this.udpRequest({ address: hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(port || 80), path: pathname }, options);
    }
    if (uploadBytes !== undefined) return this.upload(url, uploadBytes, timeoutMs, localPort, localAddress);
    return this.get(url, timeoutMs, localPort, localAddress);
  }

  /**
   * One POST of `uploadBytes` on a new TCP connection (an upload: full-size segments from the
   * client through the tunnel); the outcome says how many bytes the real server received.
   */
  upload(url: string, uploadBytes: number, timeoutMs = 5_000, localPort?: number, localAddress?: string): Promise<HttpOutcome> {
    return this.ask({ url, uploadBytes, timeoutMs, ...(localPort !== undefined && { localPort }), ...(localAddress !== undefined && { localAddress }) });
  }

  /**
   * One UDP request: a datagram (padded to `uploadBytes` when given) from a port the run has
   * not used, or `localPort`, and the answer, which names the real server.
   */
  udpRequest(target: { address: string; port: number; path?: string }, options: { timeoutMs?: number; localPort?: number; localAddress?: string; uploadBytes?: number } = {}): Promise<HttpOutcome> {
    return this.ask({ op: 'udp-request', ...target, ...options });
  }

  /** Opens a long-lived flow (a TCP connection kept alive, or a UDP client port) and makes its first request. */
  openFlow(target: { protocol: 'tcp' | 'udp'; address: string; port: number; path?: string }, options: { timeoutMs?: number; localPort?: number; localAddress?: string } = {}): Promise<HttpOutcome> {
    return this.ask({ op: 'flow-open', ...target, ...options });
  }

  /** Asks again on an open flow; the outcome's `state` says what became of it. */
  askFlow(flow: number, timeoutMs = 5_000): Promise<HttpOutcome> {
    return this.ask({ op: 'flow-ask', flow, timeoutMs });
  }

  closeFlow(flow: number): Promise<HttpOutcome> {
    return this.ask({ op: 'flow-close', flow });
  }

  /** Sends one UDP datagram (broadcast allowed); resolves with the source port used. */
  sendDatagram(address: string, port: number, payload: string): Promise<HttpOutcome> {
    return this.ask({ op: 'udp', address, port, payload });
  }

  private ask(message: Record<string, unknown>): Promise<HttpOutcome> {
    if (!this.process.running) return Promise.resolve({ ok: false, error: 'the client agent is not running', ms: 0 });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.process.stdin.write(`${JSON.stringify({ id, ...message })}\n`);
    });
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}

/** The run folder's file of claimed client-port blocks. */
export function clientPortClaims(runDir: string): string {
  return join(runDir, 'client-port-claims');
}
