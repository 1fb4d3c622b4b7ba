// The TUN contract, checked on a live cluster: capture at every point, make connections to
// the VIP, judge every connection on the five properties. A failure keeps the captures and
// says where they are; a pass removes them unless asked to keep them.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cluster } from '../cluster/cluster.js';
import type { HttpOutcome } from '../cluster/client-agent.js';
import { ClusterCapture } from '../capture/cluster-capture.js';
import { formatTunContractFailures, judgeTunContract, summarizeTunContract, type CapturePoint, type ConnectionVerdict, type TunContractInput } from '../verdicts/index.js';
import { hostsWithRole, type Topology } from '../topology/topology.js';
import type { Verdict } from './verdict.js';

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
}

/** Captures, sends traffic, judges. */
export async function checkTunContract(cluster: Cluster, options: TunContractOptions = {}): Promise<TunContractCheck> {
  const clock = phaseClock();
  const capture = await ClusterCapture.start(cluster);
  const captureStartMs = clock();
  let outcomes: HttpOutcome[];
  let finished;
  let trafficMs: number;
  try {
    outcomes = await cluster.request({ count: options.connections ?? 8, timeoutMs: options.requestTimeoutMs });
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
  const keep = !summary.ok || options.keepCaptures === true;
  if (!keep) await capture.discard();
  else await writeFile(join(finished.folder, 'kept.txt'), `${keptNote(summary.text, connections, finished.folder)}\n`);
  const kept = keep ? `\ncapture files kept (tcpdump -r FILE -nn -e, or Wireshark):\n${captureFiles.map((file) => `  ${file}`).join('\n')}` : '';
  const message = summary.ok ? `${summary.text}${kept}` : `${summary.text}\n${formatTunContractFailures(connections, { captureFolder: finished.folder })}${kept}`;
  return {
    verdict: { property: 'TUN contract', ok: summary.ok, message },
    connections,
    outcomes,
    captureFolder: keep ? finished.folder : undefined,
    captureFiles: keep ? captureFiles : [],
    timings: { captureStartMs, trafficMs, captureStopMs, judgeMs },
  };
}

function keptNote(summaryText: string, connections: ConnectionVerdict[], folder: string): string {
  const failures = formatTunContractFailures(connections, { captureFolder: folder });
  return `Captures kept by lvs-harness (lvs-harness gc leaves this folder alone).\n${summaryText}${failures ? `\n${failures}` : ''}`;
}

/** The judge's input from a topology and decoded captures: pure. */
export function tunContractInput(topology: Topology, points: CapturePoint[]): TunContractInput {
  const identity = (role: 'client' | 'director' | 'real-server') =>
    hostsWithRole(topology, role).map((host) => ({ name: host.name, address: host.address, mac: host.mac }));
  return {
    vip: topology.service.vip,
    port: topology.service.port,
    client: identity('client')[0]!,
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
