// One UDP request: a datagram from a chosen source port to the service, and the answer read
// back. The socket is connected, as a real UDP client's usually is, so it takes an answer only
// from the address it asked (an answer from the real server's own address, not the VIP, is no
// answer), and an ICMP port unreachable comes back as ECONNREFUSED instead of silence.
import { createSocket } from 'node:dgram';

/** The most a UDP datagram over IPv4 carries. */
export const MAX_DATAGRAM = 65_507;

/** A request datagram: the path, padded with dots to `uploadBytes` when given (full-size datagrams). */
export function requestDatagram(path, uploadBytes) {
  const text = `GET ${path}\n`;
  if (uploadBytes === undefined || uploadBytes <= text.length) return Buffer.from(text);
  return Buffer.concat([Buffer.from(text), Buffer.alloc(Math.min(uploadBytes, MAX_DATAGRAM) - text.length, '.')]);
}

/** The answer's first line names the server (http-server.c writes it), the rest is its body. */
export function parseAnswer(message) {
  const text = message.toString('utf8');
  const newline = text.indexOf('\n');
  return { servedBy: newline < 0 ? text : text.slice(0, newline), body: newline < 0 ? '' : text.slice(newline + 1) };
}

/**
 * A connected UDP socket bound to (localAddress, localPort). Resolves with the socket, or
 * rejects with the bind's error (EADDRINUSE: the port is held on the client).
 */
export function openUdpSocket({ address, port, localAddress, localPort }) {
  return new Promise((resolve, reject) => {
    const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.bind({ port: localPort, ...(localAddress ? { address: localAddress } : {}) }, () => {
      socket.connect(port, address, () => {
        socket.removeAllListeners('error');
        resolve(socket);
      });
    });
  });
}

/** Sends one datagram on a connected socket and waits for one answer, within `timeoutMs`. */
export function exchangeOnce(socket, datagram, timeoutMs) {
  return new Promise((resolve) => {
    const finish = (result) => {
      clearTimeout(timer);
      socket.removeListener('message', onMessage);
      socket.removeListener('error', onError);
      resolve(result);
    };
    const onMessage = (message) => finish({ ok: true, ...parseAnswer(message), answerBytes: message.length });
    const onError = (error) => finish({ ok: false, error: `${error.code ?? error.name}: ${error.message}` });
    const timer = setTimeout(() => finish({ ok: false, error: `UDP_TIMEOUT: no answer within ${timeoutMs} ms` }), timeoutMs);
    socket.on('message', onMessage);
    socket.on('error', onError);
    socket.send(datagram, (error) => {
      if (error) onError(error);
    });
  });
}

/** One request on a socket of its own: bound, sent, answered (or not), closed. */
export async function udpRequest({ address, port, path = '/', localAddress, localPort, timeoutMs = 5_000, uploadBytes }) {
  const started = performance.now();
  let socket;
  try {
    socket = await openUdpSocket({ address, port, localAddress, localPort });
  } catch (error) {
    return { ok: false, error: `${error.code ?? error.name}: ${error.message}`, localPort, localAddress, ms: performance.now() - started };
  }
  const datagram = requestDatagram(path, uploadBytes);
  const result = await exchangeOnce(socket, datagram, timeoutMs);
  socket.close();
  return { ...result, sentBytes: datagram.length, localPort, localAddress, ms: performance.now() - started };
}
