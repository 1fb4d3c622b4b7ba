#!/usr/bin/env node
// The server a real server runs inside its namespace, in place of the walkthrough's httpd: it
// answers every HTTP request with its body, logs who asked, and says when it is listening so
// the harness can wait for that instead of sleeping. With --udp it answers datagrams on the
// same port too (a UDP virtual service). Plain JavaScript so it runs without a build.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    port: { type: 'string', default: '80' },
    body: { type: 'string' },
    'body-size': { type: 'string' },
    udp: { type: 'boolean', default: false },
    // An address to answer UDP from (the VIP on tunl0 or lo): see answerUdpOn.
    'udp-address': { type: 'string', multiple: true, default: [] },
  },
});
const name = values.name ?? 'server';
const port = Number(values.port);
// --body-size pads the body to a fixed size (for tunnel MTU cases) while keeping the name first.
const body = padBody(values.body ?? `this is ${name}\n`, values['body-size'] ? Number(values['body-size']) : undefined);
// The most a UDP datagram over IPv4 carries.
const MAX_DATAGRAM = 65_507;
// The first line names the server (as the HTTP answer's x-served-by header does), then the body.
const datagramAnswer = Buffer.from(`${name}\n${body}`).subarray(0, MAX_DATAGRAM);
// How often a UDP socket for an address not yet on the host tries again.
const BIND_RETRY_MS = 50;
// The wildcard UDP socket, dual-stack like the TCP one.
const WILDCARD = '::';

// An IPv4 peer of the dual-stack socket shows as ::ffff:a.b.c.d; logged as plain IPv4.
const plain = (address) => String(address).replace(/^::ffff:/, '');

const server = createServer((request, response) => {
  const socket = request.socket;
  let received = 0;
  request.on('data', (chunk) => {
    received += chunk.length;
  });
  request.on('end', () => {
    const upload = received > 0 ? ` with ${received} bytes` : '';
    console.log(`${request.method} ${request.url}${upload} from ${plain(socket.remoteAddress)}:${socket.remotePort} to ${plain(socket.localAddress)}:${socket.localPort}`);
    response.writeHead(200, { 'content-type': 'text/plain', 'x-served-by': name, 'x-received-bytes': String(received), 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
});
// A long-lived connection (the client holding one open across a change) stays open while idle.
server.keepAliveTimeout = 0;
server.requestTimeout = 0;

const udpSockets = [];
if (values.udp) await answerUdpOn(WILDCARD);
// '::' takes IPv4 too (as mapped addresses), so one socket serves an IPv4 and an IPv6 VIP alike.
server.listen(port, '::', () => console.log(`listening on [::]:${port}${values.udp ? ' (TCP and UDP)' : ''} as ${name}`));
server.on('error', (error) => fail(`http server ${name}: ${error.message}`));
for (const address of values['udp-address']) void answerUdpOn(address);

/**
 * A UDP socket on one address. The wildcard one answers datagrams to the host's own address;
 * one bound to the VIP answers those to the VIP, from the VIP (a wildcard socket's answer would
 * leave from the host's own address, which the client does not take for the service's). Both
 * share the port (SO_REUSEADDR); the kernel hands a datagram to the most specific. The VIP may
 * not be there yet (a configurator adds it after this starts): the bind is retried until it is.
 */
function answerUdpOn(address) {
  return new Promise((resolve) => {
    const socket = createSocket({ type: address.includes(':') ? 'udp6' : 'udp4', reuseAddr: true });
    socket.on('message', (message, from) => {
      console.log(`UDP ${message.length} bytes from ${from.address}:${from.port} to ${address}:${port}`);
      socket.send(datagramAnswer, from.port, from.address);
    });
    socket.once('error', (error) => {
      socket.close();
      if (error.code !== 'EADDRNOTAVAIL') fail(`udp server ${name} on ${address}:${port}: ${error.message}`);
      setTimeout(() => resolve(answerUdpOn(address)), BIND_RETRY_MS);
    });
    socket.bind(port, address, () => {
      socket.removeAllListeners('error');
      socket.on('error', (error) => console.error(`udp server ${name} on ${address}:${port}: ${error.message}`));
      udpSockets.push(socket);
      if (address !== WILDCARD) console.log(`answering UDP on ${address}:${port}`);
      resolve();
    });
  });
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    for (const socket of udpSockets) socket.close();
    process.exit(0);
  });
}

function padBody(text, size) {
  if (size === undefined || size <= Buffer.byteLength(text)) return text;
  return text + '.'.repeat(size - Buffer.byteLength(text) - 1) + '\n';
}
