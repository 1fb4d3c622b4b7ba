// Long-lived flows: a TCP connection (or a UDP flow, one client port) opened once and asked
// again later on the same connection, to show what a change in between (a real server taken
// out, a director failing over, an idle timeout passing) did to it. HTTP/1.1 by hand over a
// plain socket, because an HTTP client library reconnects on its own and would hide a reset.
import { connect } from 'node:net';
import { parseResponse } from './http-response.mjs';
import { exchangeOnce, openUdpSocket, requestDatagram } from './udp-exchange.mjs';

export class LongFlows {
  #flows = new Map();
  #nextId = 1;

  /** Opens a flow and makes its first request; resolves with its id and the first answer. */
  async open({ protocol, address, port, path = '/', localAddress, localPort, timeoutMs = 5_000 }) {
    const started = performance.now();
    const flow = protocol === 'udp' ? await openUdpFlow({ address, port, localAddress, localPort, path }) : await openTcpFlow({ address, port, localAddress, localPort, path, timeoutMs });
    if (!flow.ok) return { ...flow, localPort, localAddress, ms: performance.now() - started };
    const id = this.#nextId++;
    this.#flows.set(id, flow);
    const first = await flow.ask(timeoutMs);
    if (!first.ok) {
      this.#flows.delete(id);
      flow.close();
    }
    return { ...first, flow: id, localPort, localAddress, ms: performance.now() - started };
  }

  /** Asks again on the same flow: survived (answered), reset, stalled (no answer in time) or closed. */
  async ask({ flow: id, timeoutMs = 5_000 }) {
    const started = performance.now();
    const flow = this.#flows.get(id);
    if (!flow) return { ok: false, state: 'closed', error: `no open flow ${id}`, ms: 0 };
    const answer = await flow.ask(timeoutMs);
    if (answer.state !== 'survived') {
      this.#flows.delete(id);
      flow.close();
    }
    return { ...answer, flow: id, ms: performance.now() - started };
  }

  close({ flow: id }) {
    this.#flows.get(id)?.close();
    this.#flows.delete(id);
    return { ok: true, flow: id, ms: 0 };
  }
}

async function openUdpFlow({ address, port, localAddress, localPort, path }) {
  let socket;
  try {
    socket = await openUdpSocket({ address, port, localAddress, localPort });
  } catch (error) {
    return { ok: false, error: `${error.code ?? error.name}: ${error.message}` };
  }
  const datagram = requestDatagram(path);
  return {
    ok: true,
    async ask(timeoutMs) {
      const answer = await exchangeOnce(socket, datagram, timeoutMs);
      if (answer.ok) return { ...answer, state: 'survived' };
      // An ICMP port unreachable is UDP's reset.
      return { ...answer, state: answer.error.startsWith('ECONNREFUSED') ? 'reset' : 'stalled' };
    },
    close: () => socket.close(),
  };
}

function openTcpFlow({ address, port, localAddress, localPort, path, timeoutMs }) {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, localPort, ...(localAddress ? { localAddress } : {}) });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, error: `CONNECT_TIMEOUT: no connection within ${timeoutMs} ms` });
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, error: `${error.code ?? error.name}: ${error.message}` });
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve({ ok: true, ...tcpAsker(socket, address, path) });
    });
  });
}

/** Requests on one kept-alive connection, one at a time; a response is read to its end (http-response.mjs). */
function tcpAsker(socket, address, path) {
  let buffered = Buffer.alloc(0);
  let ended = false;
  let failure;
  let waiter;
  socket.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    waiter?.();
  });
  socket.on('end', () => {
    ended = true;
    waiter?.();
  });
  socket.on('error', (error) => {
    failure = error;
    waiter?.();
  });
  const request = `GET ${path} HTTP/1.1\r\nHost: ${address}\r\nConnection: keep-alive\r\n\r\n`;
  return {
    ask(timeoutMs) {
      return new Promise((resolve) => {
        const finish = (result) => {
          clearTimeout(timer);
          waiter = undefined;
          resolve(result);
        };
        const check = () => {
          if (failure) return finish({ ok: false, state: /ECONNRESET|EPIPE/.test(failure.code ?? '') ? 'reset' : 'closed', error: `${failure.code ?? failure.name}: ${failure.message}` });
          const response = parseResponse(buffered, ended);
          if (response) {
            buffered = buffered.subarray(response.length);
            return finish({ ok: true, state: 'survived', status: response.status, servedBy: response.servedBy, body: response.body });
          }
          if (ended) return finish({ ok: false, state: 'closed', error: 'the server closed the connection' });
        };
        const timer = setTimeout(() => finish({ ok: false, state: 'stalled', error: `no answer within ${timeoutMs} ms on the open connection` }), timeoutMs);
        waiter = check;
        if (failure || ended) return check();
        socket.write(request);
      });
    },
    close: () => socket.destroy(),
  };
}
