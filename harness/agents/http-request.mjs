// One HTTP request on a new TCP connection from a chosen source port: what the client agent
// makes for every connection it is asked for (IPVS schedules connections, not requests). A
// plain socket and HTTP/1.1 written by hand (http-response.mjs says why).
import { connect } from 'node:net';
import { parseResponse } from './http-response.mjs';

// The server closes first. A client that closes the moment the response is complete, before
// the server's FIN has arrived, holds the port in TIME_WAIT for a minute, and the client's
// kernel refuses to connect from it again (EADDRNOTAVAIL), which is not what a request that
// reuses a port means to show (the director's memory of it). So the socket is read to the
// server's FIN before it is closed, within this bound.
const SERVER_CLOSE_BOUND_MS = 1_000;

// How soon a connect from a chosen port is tried again while the client's own kernel still
// holds that port's previous connection to the same address.
const PORT_RETRY_MS = 10;

/**
 * A GET (a POST of `uploadBytes` dots when given) with `Connection: close`. Resolves with the
 * outcome, never rejects: a refused, reset or unanswered connection is an outcome. `timeoutMs`
 * bounds the connect, and then each wait for more of the response.
 *
 * From a chosen port, a connect the client's kernel refuses with EADDRNOTAVAIL is tried again
 * until `timeoutMs` has passed: the previous request from that port has seen the server's FIN
 * and sent its own, but until the server's last ACK comes back (LAST_ACK) the same four-tuple is
 * still taken. With guests pinned to one CPU, kubernetes-81775's second and third requests from
 * one port failed at once, which is what such a refusal looks like (the error was not printed).
 */
export async function requestOnce(options) {
  const started = performance.now();
  const { timeoutMs = 5_000, localPort } = options;
  for (;;) {
    const outcome = await attempt(options, started);
    const portStillTaken = localPort !== undefined && !outcome.ok && outcome.error.startsWith('EADDRNOTAVAIL');
    if (!portStillTaken || performance.now() - started + PORT_RETRY_MS >= timeoutMs) return outcome;
    await new Promise((resolve) => setTimeout(resolve, PORT_RETRY_MS));
  }
}

function attempt({ url, timeoutMs = 5_000, localAddress, localPort, uploadBytes }, started) {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(target.port || 80);
  return new Promise((resolve) => {
    const socket = connect({ host, port, ...(localPort !== undefined ? { localPort } : {}), ...(localAddress ? { localAddress } : {}) });
    let buffered = Buffer.alloc(0);
    let response;
    let settled = false;
    const settle = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, localPort, localAddress, ms: performance.now() - started });
    };
    const fail = (error) => {
      socket.destroy();
      settle({ ok: false, error });
    };
    let timer = setTimeout(() => fail(`CONNECT_TIMEOUT: no connection within ${timeoutMs} ms`), timeoutMs);
    const rearm = (what) => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(`RESPONSE_TIMEOUT: ${what} within ${timeoutMs} ms`), timeoutMs);
    };
    const answered = () => {
      const received = response.headers['x-received-bytes'];
      settle({
        ok: true,
        status: response.status,
        body: response.body,
        servedBy: response.servedBy,
        ...(uploadBytes !== undefined ? { sentBytes: uploadBytes, receivedBytes: Number(received) } : {}),
      });
    };
    socket.on('error', (error) => {
      // After a complete response, a reset while waiting for the server's FIN ends the wait.
      if (response) return answered();
      fail(`${error.code ?? error.name}: ${error.message}`);
    });
    socket.once('connect', () => {
      rearm('no response');
      const body = uploadBytes !== undefined ? Buffer.alloc(uploadBytes, '.') : undefined;
      const head = `${body ? 'POST' : 'GET'} ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: close\r\n${body ? `Content-Length: ${body.length}\r\n` : ''}\r\n`;
      socket.write(body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : head);
    });
    socket.on('data', (chunk) => {
      if (response) return;
      buffered = Buffer.concat([buffered, chunk]);
      response = parseResponse(buffered);
      if (!response) return rearm('no complete response');
      // Complete: read on to the server's FIN, within a bound, then close.
      clearTimeout(timer);
      timer = setTimeout(() => {
        socket.destroy();
        answered();
      }, SERVER_CLOSE_BOUND_MS);
    });
    socket.on('end', () => {
      if (!response) response = parseResponse(buffered, true);
      if (!response) return fail('SOCKET_CLOSED: the server closed the connection before a complete response');
      socket.destroy();
      answered();
    });
  });
}
