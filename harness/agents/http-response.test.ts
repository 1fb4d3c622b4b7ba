import { describe, expect, it } from 'vitest';
import { parseResponse } from './http-response.mjs';

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('an HTTP/1.1 response read off a socket', () => {
  it('ends at its Content-Length, leaving what follows, and names the server', () => {
    const response = parseResponse(bytes('HTTP/1.1 200 OK\r\nContent-Length: 12\r\nX-Served-By: web1\r\n\r\nthis is web1NEXT'));
    expect(response).toMatchObject({ status: 200, servedBy: 'web1', body: 'this is web1', length: 'HTTP/1.1 200 OK\r\nContent-Length: 12\r\nX-Served-By: web1\r\n\r\nthis is web1'.length });
  });

  it('is incomplete until all its headers and its body are there', () => {
    expect(parseResponse(bytes('HTTP/1.1 200 OK\r\nContent-Length: 12\r\n'))).toBeUndefined();
    expect(parseResponse(bytes('HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nthis is'))).toBeUndefined();
  });

  it('joins a chunked body and ends after its last chunk', () => {
    const text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nthis \r\n7\r\nis web2\r\n0\r\n\r\n';
    expect(parseResponse(bytes(text))).toMatchObject({ body: 'this is web2', length: text.length });
    expect(parseResponse(bytes(text.slice(0, -2)))).toBeUndefined();
  });

  it('without a length, ends where the server closed the connection', () => {
    const text = 'HTTP/1.0 404 Not Found\r\nServer: other\r\n\r\nnot here';
    expect(parseResponse(bytes(text))).toBeUndefined();
    expect(parseResponse(bytes(text), true)).toMatchObject({ status: 404, servedBy: undefined, body: 'not here' });
  });
});
