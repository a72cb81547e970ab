// Request bodies. The real clients disagree on headers: Python sends Content-Type
// application/json with an empty body on GET, DELETE and actions; Go sends `{}` with no
// Content-Type at all. So the body is read raw, up to a limit, and parsed as JSON whatever the
// Content-Type says; an empty body is "no body". Written here rather than taken from a body
// parser because those decide by Content-Type, which is exactly what must be ignored.
import type { IncomingMessage } from 'node:http';
import { badRequest, HttpError } from './errors.ts';

/** Reads the whole body, failing with 413 as soon as it grows past `limitBytes`. */
export async function readRawBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  // destroyOnReturn false: leaving the loop early must not destroy the socket the 413 goes out on.
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limitBytes) {
      // The rest is drained unread; the connection is closed after the response.
      req.resume();
      throw tooLarge(limitBytes);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

/** The body as JSON, or undefined when it is empty (or only white space). */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const text = (await readRawBody(req, limitBytes)).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`malformed JSON in the request body: ${(err as Error).message}`);
  }
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, `the request body is larger than the limit of ${limitBytes} bytes`);
}
