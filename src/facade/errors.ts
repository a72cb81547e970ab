// Errors a handler throws to answer with a Docker Cloud error: the status code Docker Cloud
// documents and a body `{"error": "..."}` that names the field and the rule. Anything else a
// handler throws is a bug or an outage and becomes 500 `{"error": "internal error"}`.

export class HttpError extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const notFound = (message: string) => new HttpError(404, message);
export const conflict = (message: string) => new HttpError(409, message);
