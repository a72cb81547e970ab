// The one shape of a Kubernetes API error: KubeApiError (status code, the Status
// reason, the API server's message), made from whatever client-node threw (an ApiException
// whose body is the Status as JSON text), and what the callers ask of one: its code, its
// message for a person, and whether waiting may cure it. A refusal (4xx: admission, a webhook,
// validation, a quota, a NodePort already allocated, RBAC) stands until the spec or the
// cluster changes; a conflict (409), too many requests (429), a timeout (408), a server error
// (5xx) or a network failure may pass by itself.

/** An error status from the Kubernetes API. `reason`: Conflict, AlreadyExists, Invalid, NotFound, ... */
export class KubeApiError extends Error {
  readonly code: number;
  readonly reason: string;

  constructor(code: number, reason: string, message: string) {
    super(message);
    this.name = 'KubeApiError';
    this.code = code;
    this.reason = reason;
  }
}

/** The error as a KubeApiError when it is an answer of the API server (it has a status code); else undefined. */
export function asKubeApiError(err: unknown): KubeApiError | undefined {
  if (err instanceof KubeApiError) return err;
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'number') return undefined;
  const status = statusBody(err);
  const reason = typeof status?.reason === 'string' ? status.reason : '';
  return new KubeApiError(code, reason, errorMessage(err, Number.POSITIVE_INFINITY));
}

/** The HTTP status of an API error; undefined when there was no answer (a network failure). */
export function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The API server's Status out of an error's body (client-node keeps it as JSON text). */
function statusBody(err: unknown): { reason?: unknown; message?: unknown } | undefined {
  const body = (err as { body?: unknown })?.body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as unknown;
      return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return typeof body === 'object' && body !== null ? (body as { reason?: unknown; message?: unknown }) : undefined;
}

/** The API server's message of an error (from its Status when there is one), bounded. */
export function errorMessage(err: unknown, max = 500): string {
  let message = err instanceof KubeApiError ? err.message : ((err as Error)?.message ?? String(err));
  if (!(err instanceof KubeApiError)) {
    // client-node's ApiException: "HTTP-Code: 401\nMessage: Unauthorized\nBody: ...\nHeaders: {...}".
    const apiMessage = /^HTTP-Code: \d+\nMessage: (.*)$/m.exec(message)?.[1];
    if (apiMessage !== undefined) message = apiMessage;
    const status = statusBody(err);
    if (typeof status?.message === 'string') message = status.message;
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
