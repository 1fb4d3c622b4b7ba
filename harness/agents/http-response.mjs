// Reading an HTTP/1.1 response off a plain socket's bytes, for the agent's own clients (a
// request on a new connection, a long-lived flow). By hand, not with an HTTP client library:
// such a library reconnects on its own and would hide a reset, and inside User-Mode Linux
// importing one (undici) cost 1.2 s of every client agent's start.

/**
 * A whole response at the front of `buffer`, or undefined while it is incomplete. Its end is
 * found by Content-Length, by chunked encoding's last chunk, or, for a response with neither,
 * by the server's close (`ended`).
 */
export function parseResponse(buffer, ended = false) {
  const headerEnd = buffer.indexOf('\r\n\r\n');
  if (headerEnd < 0) return undefined;
  const head = buffer.subarray(0, headerEnd).toString('latin1');
  const headers = parseHeaders(head);
  const bodyStart = headerEnd + 4;
  let body;
  let length;
  if (headers['content-length'] !== undefined) {
    length = bodyStart + Number(headers['content-length']);
    if (buffer.length < length) return undefined;
    body = buffer.subarray(bodyStart, length);
  } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const chunked = dechunk(buffer, bodyStart);
    if (!chunked) return undefined;
    ({ body, length } = chunked);
  } else {
    if (!ended) return undefined;
    length = buffer.length;
    body = buffer.subarray(bodyStart);
  }
  return {
    length,
    status: Number(/^HTTP\/1\.\d (\d{3})/.exec(head)?.[1]),
    headers,
    servedBy: headers['x-served-by'],
    body: body.toString('utf8'),
  };
}

/** Header names lowercased; the status line is skipped. */
function parseHeaders(head) {
  const headers = {};
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** A chunked body from `start`, and where the response ends, or undefined while incomplete. */
function dechunk(buffer, start) {
  const parts = [];
  let at = start;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(buffer.subarray(at, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return { body: Buffer.concat(parts), length: buffer.length };
    if (size === 0) {
      // The last chunk's line, any trailers, then the empty line.
      const end = buffer.indexOf('\r\n\r\n', lineEnd);
      return end < 0 ? undefined : { body: Buffer.concat(parts), length: end + 4 };
    }
    if (buffer.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
