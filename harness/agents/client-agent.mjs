#!/usr/bin/env node
// The client host's agent: it lives in the client's namespace and makes HTTP requests there
// with undici, one new TCP connection per request (IPVS schedules connections, not requests).
// It speaks JSON lines on stdin/stdout so one process start serves a whole run: inside
// User-Mode Linux a Node start costs over a second.
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { Client, buildConnector } from 'undici';

async function fetchOnce({ url, timeoutMs = 5_000 }) {
  const started = performance.now();
  const origin = new URL(url).origin;
  let localPort;
  // A connector of our own to learn the client's port; the connect timeout belongs to it.
  const baseConnector = buildConnector({ timeout: timeoutMs });
  const client = new Client(origin, {
    pipelining: 0,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: (options, callback) =>
      baseConnector(options, (error, socket) => {
        if (socket) localPort = socket.localPort;
        callback(error, socket);
      }),
  });
  try {
    const { pathname, search } = new URL(url);
    const response = await client.request({ method: 'GET', path: pathname + search, headers: { connection: 'close' } });
    const body = await response.body.text();
    return { ok: true, status: response.statusCode, body, servedBy: response.headers['x-served-by'], localPort, ms: performance.now() - started };
  } catch (error) {
    return { ok: false, error: `${error.code ?? error.name}: ${error.message}`, localPort, ms: performance.now() - started };
  } finally {
    await client.close().catch(() => client.destroy());
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

const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const message = JSON.parse(line);
  const result = message.op === 'udp' ? await sendDatagram(message) : await fetchOnce(message);
  process.stdout.write(`${JSON.stringify({ id: message.id, ...result })}\n`);
});
lines.on('close', () => process.exit(0));
console.log(JSON.stringify({ ready: true }));
