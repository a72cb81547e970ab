// The façade's HTTP server: Node's, with limits, and with Docker Cloud's JSON error for what
// Node answers by itself. Some requests never reach the Koa app: ones the HTTP parser refuses
// (an unknown method, a request line and headers over maxHeaderSize, a malformed request), ones
// too slow to arrive (headersTimeout, requestTimeout), CONNECT, and an unknown Expect. Node
// answers those with a bare status line, or closes the connection; here each gets
// `{"error": "..."}` like any other refusal, through the server's own hooks ('clientError',
// 'connect', 'checkExpectation'), not a parser of ours.
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';

export interface HttpLimits {
  /** The request line and headers together, in bytes (Node's --max-http-header-size). Over it: 431. */
  maxHeaderSize: number;
  /** Time for the request line and headers to arrive, in ms. Over it: 408. */
  headersTimeoutMs: number;
  /** Time for the whole request, body included, to arrive, in ms. Over it: 408. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open, in ms. */
  keepAliveTimeoutMs: number;
  /** How often the two timeouts above are checked, in ms (Node's connectionsCheckingInterval). */
  timeoutCheckIntervalMs: number;
}

/** The limits the façade runs with (the body's, 1 MiB, is FacadeConfig.bodyLimitBytes; a URL's is in server.ts). */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxHeaderSize: 16 * 1024,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  timeoutCheckIntervalMs: 2_000,
};

/**
 * An HTTP server for the façade app (main: `createFacadeServer(createFacade(deps))` in place of
 * `createServer(app.callback())`).
 */
export function createFacadeServer(app: Koa, limits: HttpLimits = DEFAULT_HTTP_LIMITS): Server {
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
      // An HTTP/1.1 request without Host would get Node's bare 400; the app refuses it with a
      // JSON error instead (server.ts).
      requireHostHeader: false,
    },
    app.callback(),
  );
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    const refusal = clientErrorRefusal(err, limits);
    if (refusal === undefined) socket.destroy();
    else refuseOnSocket(socket, refusal.status, refusal.message);
  });
  // Without a listener Node closes a CONNECT's connection without a word.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    refuseOnSocket(socket, 501, `method ${req.method ?? 'CONNECT'} not implemented: this is a REST API, not a proxy`);
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const body = JSON.stringify({ error: `unsupported Expect header: only "100-continue" is understood` });
    res
      .writeHead(417, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
        Connection: 'close',
      })
      .end(body);
    req.resume();
  });
  return server;
}

/** The status and message for an error of the HTTP layer; undefined when there is no one left to answer. */
export function clientErrorRefusal(
  err: Error & { code?: string },
  limits: HttpLimits,
): { status: number; message: string } | undefined {
  switch (err.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return undefined;
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        message: `the request line and headers are larger than the limit of ${limits.maxHeaderSize} bytes`,
      };
    case 'HPE_INVALID_METHOD':
      return { status: 501, message: 'unknown HTTP method: this API takes GET, HEAD, POST, PATCH and DELETE' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        message: `the request did not arrive in time (headers within ${limits.headersTimeoutMs / 1000} s, the whole request within ${limits.requestTimeoutMs / 1000} s)`,
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, message: 'the chunk extensions of the request body are too large' };
    default:
      return { status: 400, message: `malformed HTTP request${err.code === undefined ? '' : ` (${err.code})`}` };
  }
}

/**
 * Writes a JSON error straight onto the connection and closes it, unless an answer has already
 * begun on it (a pipelined request's), which must not be interleaved with.
 */
function refuseOnSocket(socket: Duplex, status: number, message: string): void {
  const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || pending?.headersSent === true) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: message });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}
