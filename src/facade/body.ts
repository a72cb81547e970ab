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
  try {
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
  } catch (err) {
    if (err instanceof HttpError) throw err;
    // The client went away, or was cut off (requestTimeout, answered by http-server.ts): its
    // mistake or its network's, not an internal error to log.
    throw new HttpError(400, 'the request body ended before it was complete');
  }
  return Buffer.concat(chunks, size);
}

/**
 * How deeply a body's arrays and objects may nest. The deepest a stack body goes is 5 (body,
 * services, a service, a list, an item); anything near the limit is not a stack. Checked on
 * the text, before it is parsed, so nothing recursive ever sees a deeper value (5,000 levels
 * used to overflow the stack in an error formatter).
 */
export const MAX_JSON_DEPTH = 32;

/** The body as JSON, or undefined when it is empty (or only white space). */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  return parseJsonBody((await readRawBody(req, limitBytes)).toString('utf8'));
}

/** `text` as JSON (undefined when empty), refused with 400 when malformed or nested too deeply. */
export function parseJsonBody(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (text.trim() === '') return undefined;
  const tooDeep = jsonDepthBeyond(text, maxDepth);
  if (tooDeep !== undefined) {
    throw badRequest(
      `the request body nests arrays and objects more than ${maxDepth} levels deep (at character ${tooDeep}); a stack needs 5 at most`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`malformed JSON in the request body: ${cut((err as Error).message, 200)}`);
  }
}

/**
 * Where (a character offset) JSON text first opens more than `maxDepth` arrays or objects, or
 * undefined if it never does. One pass, no recursion, stopping at the first excess: brackets
 * inside strings do not count. Malformed text is left to JSON.parse.
 */
export function jsonDepthBeyond(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxDepth) return i;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) depth--;
  }
  return undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, `the request body is larger than the limit of ${limitBytes} bytes`);
}
