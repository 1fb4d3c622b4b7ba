// The TUN contract, checked on a live cluster: capture at every point, make connections to
// the VIP, judge every connection on the five properties. A failure keeps the captures and
// says where they are; a pass removes them unless asked to keep them.
import type { Cluster } from '../cluster/cluster.js';
import type { HttpOutcome } from '../traffic/http-outcome.js';
import { ClusterCapture, type FinishedCapture } from '../capture/cluster-capture.js';
import { ringKibFor } from '../capture/tcpdump-capture.js';
import { formatTunContractFailures, judgeTunContract, summarizeTunContract, type CapturePoint, type ConnectionVerdict, type TunContractInput } from '../verdicts/index.js';
import { clientAddresses, hostsWithRole, type Topology } from '../topology/topology.js';
import type { Verdict } from '../verdicts/verdict.js';

export interface TunContractCheck {
  verdict: Verdict;
  connections: ConnectionVerdict[];
  outcomes: HttpOutcome[];
  /** Where the captures are, when they were kept. */
  captureFolder?: string;
  captureFiles: string[];
  /** Milliseconds spent per phase, for benchmarks. */
  timings: { captureStartMs: number; trafficMs: number; captureStopMs: number; judgeMs: number };
}

export interface TunContractOptions {
  connections?: number;
  keepCaptures?: boolean;
  requestTimeoutMs?: number;
  /**
   * The traffic to capture, in place of the check's own connections: another assertion's batch
   * (check's distribution), so one set of connections is judged on both. The contract is
   * judged on every connection the captures show.
   */
  traffic?: () => Promise<HttpOutcome[]>;
}

/** Captures, sends traffic, judges. */
export async function checkTunContract(cluster: Cluster, options: TunContractOptions = {}): Promise<TunContractCheck> {
  const clock = phaseClock();
  const count = options.connections ?? 8;
  const bodyBytes = Math.max(0, ...cluster.topology.hosts.map((host) => Math.max(host.http?.bodySize ?? 0, Buffer.byteLength(host.http?.body ?? ''))));
  const capture = await ClusterCapture.start(cluster, { ringKib: ringKibFor(count, bodyBytes) });
  const captureStartMs = clock();
  let outcomes: HttpOutcome[];
  let finished;
  let trafficMs: number;
  try {
    outcomes = options.traffic ? await options.traffic() : await cluster.request({ count, timeoutMs: options.requestTimeoutMs, from: 'all' });
    trafficMs = clock();
    finished = await capture.finish();
  } catch (error) {
    await capture.discard();
    throw error;
  }
  const captureStopMs = clock();
  const connections = judgeTunContract(tunContractInput(cluster.topology, finished.points));
  const summary = summarizeTunContract(connections);
  const judgeMs = clock();
  const captureFiles = await capture.files();
  // Verdicts on a capture that lost packets could blame the cluster for the capture's gaps.
  const incomplete = [describeUnopened(finished.unopened), describeDrops(finished.drops)].filter(Boolean).join('\n');
  const ok = summary.ok && !incomplete;
  const judged = `${incomplete ? `${incomplete}\n` : ''}${summary.text}${summary.ok ? '' : `\n${formatTunContractFailures(connections, { captureFolder: finished.folder })}`}`;
  const keep = !ok || options.keepCaptures === true;
  if (!keep) await capture.discard();
  else await capture.keep(`Captures kept by lvs-harness (lvs-harness gc leaves this folder alone).\n${judged}\n`);
  const kept = keep ? `\ncapture files kept (tcpdump -r FILE -nn -e, or Wireshark):\n${captureFiles.map((file) => `  ${file}`).join('\n')}` : '';
  return {
    verdict: { property: 'TUN contract', ok, message: `${judged}${kept}` },
    connections,
    outcomes,
    captureFolder: keep ? finished.folder : undefined,
    captureFiles: keep ? captureFiles : [],
    timings: { captureStartMs, trafficMs, captureStopMs, judgeMs },
  };
}

/** The points tcpdump could not open, or ''. */
export function describeUnopened(unopened: FinishedCapture['unopened']): string {
  if (unopened.length === 0) return '';
  return `capture incomplete: tcpdump could not open ${unopened.map((point) => `${point.host}:${point.iface}`).join(', ')} (an interface down or missing: ${unopened[0]!.error}), so nothing there could be seen`;
}

/** Why the capture cannot be trusted, or '' when every tcpdump kept every packet. */
export function describeDrops(drops: FinishedCapture['drops']): string {
  if (drops.length === 0) return '';
  const where = drops.map((drop) => `${drop.packets} at ${drop.host}:${drop.iface}`).join(', ');
  return `capture incomplete: tcpdump's ring overflowed and the kernel dropped packets (${where}), so the verdicts below may blame the cluster for gaps in the capture; run the check again on a less loaded machine`;
}

/** The judge's input from a topology and decoded captures: pure. */
export function tunContractInput(topology: Topology, points: CapturePoint[]): TunContractInput {
  const identity = (role: 'client' | 'director' | 'real-server') =>
    hostsWithRole(topology, role).map((host) => ({ name: host.name, address: host.address, ...(host.address6 !== undefined ? { address6: host.address6 } : {}), mac: host.mac }));
  return {
    vip: topology.service.vip,
    port: topology.service.port,
    protocol: topology.service.protocol,
    tunnel: { type: topology.service.tunnel.type, ...(topology.service.tunnel.port !== undefined ? { port: topology.service.tunnel.port } : {}) },
    client: identity('client')[0]!,
    clientAddresses: clientAddresses(topology),
    directors: identity('director'),
    realServers: identity('real-server'),
    captures: points,
  };
}

/** Each call returns the milliseconds since the previous one. */
function phaseClock(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = Math.round(now - last);
    last = now;
    return elapsed;
  };
}
