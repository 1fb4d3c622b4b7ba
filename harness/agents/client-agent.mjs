#!/usr/bin/env node
// The client host's agent: it lives in the client's namespace and makes HTTP requests there
// (http-request.mjs), one new TCP connection per request (IPVS schedules connections, not requests),
// UDP requests (a datagram from a new port, and its answer), and long-lived flows.
// It speaks JSON lines on stdin/stdout so one process start serves a whole run: inside
// User-Mode Linux a Node start costs over a second. Each connection's source port is the
// agent's choice, never one the run used before (client-ports.mjs says why), unless a request
// names one: `--port-claims FILE` shares the choice with the run's other agents.
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ClientPorts } from './client-ports.mjs';
import { requestOnce } from './http-request.mjs';
import { LongFlows } from './long-flows.mjs';
import { udpRequest } from './udp-exchange.mjs';

const { values: options } = parseArgs({ options: { 'port-claims': { type: 'string' } } });
const ports = new ClientPorts(options['port-claims']);
// A port still held on the client (a socket in TIME_WAIT, a tool run by hand) is skipped.
const PORT_ATTEMPTS = 20;

/** Runs `attempt(port)` from the request's port, or from fresh ones until one is free on the client. */
async function fromFreePort(request, attempt) {
  if (request.localPort !== undefined) return attempt(request.localPort);
  for (let tries = 1; ; tries += 1) {
    const outcome = await attempt(ports.next());
    if (!outcome.error?.startsWith('EADDRINUSE') || tries === PORT_ATTEMPTS) return outcome;
  }
}

// One UDP datagram (a broadcast marker that every capture on the segment will see), so the
// harness knows when the captures have caught up with the traffic before it stops them.
function sendDatagram({ address, port, payload }) {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.bind(0, () => {
      socket.setBroadcast(true);
      const localPort = socket.address().port;
      socket.send(payload, port, address, (error) => {
        socket.close();
        resolve(error ? { ok: false, error: error.message, localPort, ms: 0 } : { ok: true, localPort, ms: 0 });
      });
    });
  });
}

const flows = new LongFlows();
const operations = {
  get: (message) => fromFreePort(message, (localPort) => requestOnce({ ...message, localPort })),
  'udp-request': (message) => fromFreePort(message, (localPort) => udpRequest({ ...message, localPort })),
  udp: sendDatagram,
  'flow-open': (message) => fromFreePort(message, (localPort) => flows.open({ ...message, localPort })),
  'flow-ask': (message) => flows.ask(message),
  'flow-close': (message) => flows.close(message),
};

const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const message = JSON.parse(line);
  const operation = operations[message.op ?? 'get'];
  const result = operation ? await operation(message) : { ok: false, error: `the client agent has no operation ${message.op}`, ms: 0 };
  process.stdout.write(`${JSON.stringify({ id: message.id, ...result })}\n`);
});
lines.on('close', () => process.exit(0));
console.log(JSON.stringify({ ready: true }));
