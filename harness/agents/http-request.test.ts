import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { requestOnce } from './http-request.mjs';

// Above the range of ports the kernel hands out on its own, so nothing else here takes it.
const CHOSEN_PORT = 61_234;

let server: Server | undefined;
let holder: Socket | undefined;

afterEach(async () => {
  holder?.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

/** A server that names itself as the real servers do, and a connection from CHOSEN_PORT to it held open. */
async function serverWithPortTaken(): Promise<string> {
  server = createServer((_request, response) => response.end('served by web1\n'));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  holder = connect({ host: '127.0.0.1', port, localPort: CHOSEN_PORT });
  await new Promise((resolve) => holder!.once('connect', resolve));
  return `http://127.0.0.1:${port}/`;
}

describe('a request from a chosen client port', () => {
  it("tries the connect again while the client's kernel still holds the port's connection to the server, within the bound", async () => {
    const url = await serverWithPortTaken();
    const outcome = await requestOnce({ url, localPort: CHOSEN_PORT, timeoutMs: 300 });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/^EADDRNOTAVAIL/);
    // Refused at once each time, and tried until the bound.
    expect(outcome.ms).toBeGreaterThanOrEqual(280);
  });

  it('connects once the port is free again', async () => {
    const url = await serverWithPortTaken();
    const pending = requestOnce({ url, localPort: CHOSEN_PORT, timeoutMs: 5_000 });
    // The scenario, not a wait: the holding connection goes (a reset, so no TIME_WAIT) while the request retries.
    setTimeout(() => holder!.resetAndDestroy(), 50);
    const outcome = await pending;
    expect(outcome.error).toBeUndefined();
    expect(outcome.ok).toBe(true);
    expect(outcome.localPort).toBe(CHOSEN_PORT);
  });
});
