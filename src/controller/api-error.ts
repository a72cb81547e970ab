// What an API error says and whether waiting may cure it. A refusal (4xx: admission, a
// webhook, validation, a quota, a NodePort already allocated, RBAC) stands until the spec or
// the cluster changes: it is reported in the Stack's status at once. A conflict (409), too
// many requests (429), a timeout (408), a server error (5xx) or a network failure may pass by
// itself: it is retried, and reported only if it persists.
import { statusOf } from '../kube/children.ts';

/** The API server's message of an error (from its Status body when there is one), bounded. */
export function errorMessage(err: unknown, max = 500): string {
  const body = (err as { body?: unknown })?.body;
  let message = (err as Error)?.message ?? String(err);
  // client-node's ApiException: "HTTP-Code: 401\nMessage: Unauthorized\nBody: ...\nHeaders: {...}".
  const apiMessage = /^HTTP-Code: \d+\nMessage: (.*)$/m.exec(message)?.[1];
  if (apiMessage !== undefined) message = apiMessage;
  if (typeof body === 'string') {
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? message;
    } catch {
      // not JSON: keep the error's own message
    }
  } else if (body !== null && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    message = (body as { message: string }).message;
  }
  return message.length > max ? `${message.slice(0, max - 1)}…` : message;
}

/** An API error's status and message, short enough for an Event. */
export function describeError(err: unknown): string {
  const code = statusOf(err);
  return (code ? `HTTP ${code}: ` : '') + errorMessage(err);
}

/** Whether retrying the same request unchanged may succeed. */
export function isTransient(err: unknown): boolean {
  const code = statusOf(err);
  if (code === undefined) return true; // no answer: network, timeout
  if (code === 408 || code === 409 || code === 429) return true;
  return code < 400 || code >= 500;
}
