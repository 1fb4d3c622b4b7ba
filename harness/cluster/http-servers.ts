// Starts each real server's HTTP server inside its namespace, as the walkthrough starts httpd,
// and knows when it is listening by what it prints.
import { join } from 'node:path';
import { packagePath } from '../package-root.js';
import type { ProcessRunner } from '../process/process-runner.js';
import type { RunningProcess } from '../process/running-process.js';
import type { Host } from '../topology/topology.js';

const LISTEN_TIMEOUT_MS = 60_000;

/** Starts one host's server and resolves once it listens; a server that dies says why. */
export async function startHttpServer(runner: ProcessRunner, host: Host, netns: string, logFolder: string): Promise<RunningProcess> {
  if (!host.http) throw new Error(`host ${host.name} is a ${host.role} and runs no HTTP server`);
  const server = runner.spawn(
    [process.execPath, packagePath('harness', 'agents', 'http-server.mjs'), '--name', host.name, '--port', String(host.http.port), '--body', host.http.body],
    { netns, label: `HTTP server on ${host.name}`, logFile: join(logFolder, `http-${host.name}.log`) },
  );
  try {
    await server.waitForLine(/^listening on /, { timeoutMs: LISTEN_TIMEOUT_MS, awaiting: `the HTTP server on ${host.name} to listen on port ${host.http.port}` });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
