#!/usr/bin/env node
// The HTTP server a real server runs inside its namespace, in place of the walkthrough's httpd:
// it answers every request with its body, logs who asked, and says when it is listening so the
// harness can wait for that instead of sleeping. Plain JavaScript so it runs without a build.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    port: { type: 'string', default: '80' },
    body: { type: 'string' },
    'body-size': { type: 'string' },
  },
});
const name = values.name ?? 'server';
const port = Number(values.port);
// --body-size pads the body to a fixed size (for tunnel MTU cases) while keeping the name first.
const body = padBody(values.body ?? `this is ${name}\n`, values['body-size'] ? Number(values['body-size']) : undefined);

const server = createServer((request, response) => {
  const socket = request.socket;
  console.log(`${request.method} ${request.url} from ${socket.remoteAddress}:${socket.remotePort} to ${socket.localAddress}:${socket.localPort}`);
  response.writeHead(200, { 'content-type': 'text/plain', 'x-served-by': name, 'content-length': Buffer.byteLength(body) });
  response.end(body);
});

server.listen(port, '0.0.0.0', () => console.log(`listening on 0.0.0.0:${port} as ${name}`));
server.on('error', (error) => {
  console.error(`http server ${name}: ${error.message}`);
  process.exit(1);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}

function padBody(text, size) {
  if (size === undefined || size <= Buffer.byteLength(text)) return text;
  return text + '.'.repeat(size - Buffer.byteLength(text) - 1) + '\n';
}
