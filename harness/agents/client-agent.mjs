#!/usr/bin/env node
// The client host's agent: it lives in the client's namespace and makes HTTP requests there
// with undici, one new TCP connection per request (IPVS schedules connections, not requests),
// UDP requests (a datagram from a new port, and its answer), and long-lived flows.
// It speaks JSON lines on stdin/stdout so one process start serves a whole run: inside
// User-Mode Linux a Node start costs over a second. Each connection's source port is the
// agent's choice, never one the run used before (client-ports.mjs says why), unless a request
// names one: `--port-claims FILE` shares the choice with the run's other agents.
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Client, buildConnector } from 'undici';
import { ClientPorts } from './client-ports.mjs';
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

async function fetchOnce({ url, timeoutMs = 5_000, localAddress, uploadBytes }, localPort) {
  const started = performance.now();
  const origin = new URL(url).origin;
  // A connector of our own, bound to the chosen port; the connect timeout belongs to it.
  const baseConnector = buildConnector({ timeout: timeoutMs, localPort });
  const client = new Client(origin, {
    // The source address, for a client holding several (undici hands it to net.connect).
    ...(localAddress ? { localAddress } : {}),
    pipelining: 0,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: (connectOptions, callback) =>
      baseConnector(connectOptions, (error, socket) => {
        if (socket) closeAfterServer(socket);
        callback(error, socket);
      }),
  });
  try {
    const { pathname, search } = new URL(url);
    // An upload is a POST of that many bytes: full-size segments from the client through the tunnel.
    const upload = uploadBytes !== undefined ? { method: 'POST', body: Buffer.alloc(uploadBytes, '.') } : { method: 'GET' };
    const response = await client.request({ ...upload, path: pathname + search, headers: { connection: 'close' } });
    const body = await response.body.text();
    const received = response.headers['x-received-bytes'];
    return {
      ok: true,
      status: response.statusCode,
      body,
      servedBy: response.headers['x-served-by'],
      ...(uploadBytes !== undefined ? { sentBytes: uploadBytes, receivedBytes: Number(received) } : {}),
      localPort,
      localAddress,
      ms: performance.now() - started,
    };
  } catch (error) {
    return { ok: false, error: `${error.code ?? error.name}: ${error.message}`, localPort, localAddress, ms: performance.now() - started };
  } finally {
    await client.close().catch(() => client.destroy());
  }
}

// The server closes first. undici closes the socket the moment the response is complete, often
// before the server's FIN has arrived; the client's kernel then holds the port in TIME_WAIT for a
// minute and refuses to connect from it again (EADDRNOTAVAIL), which is not what a request that
// reuses a port means to show (the director's memory of it). So when undici is done with the
// socket, it is read to the server's FIN before it is closed, within a bound.
const SERVER_CLOSE_BOUND_MS = 1_000;

function closeAfterServer(socket) {
  const destroyNow = socket.destroy.bind(socket);
  let pendingClose;
  socket.destroy = (error) => {
    if (pendingClose) {
      // undici's client.close() destroys again, and the close already pending stands for it; a
      // socket error (a reset while waiting) ends the wait at once.
      if (error && !String(error.code ?? '').startsWith('UND_ERR')) pendingClose(error);
      return socket;
    }
    // Only undici's 'done, reset' (UND_ERR_INFO) waits; a failure closes at once.
    if (error?.code !== 'UND_ERR_INFO' || socket.readableEnded || socket.destroyed) return destroyNow(error);
    socket.removeAllListeners('readable');
    socket.on('data', () => {});
    socket.resume();
    pendingClose = (reason) => {
      clearTimeout(bound);
      pendingClose = undefined;
      destroyNow(reason);
    };
    const bound = setTimeout(() => pendingClose?.(error), SERVER_CLOSE_BOUND_MS);
    socket.once('end', () => pendingClose?.(error));
    socket.once('close', () => clearTimeout(bound));
    return socket;
  };
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
  get: (message) => fromFreePort(message, (localPort) => fetchOnce(message, localPort)),
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
