// One shape for work that may refuse its input: bad input is an answer, returned, not thrown
// (bugs and failed I/O still throw). `{ ok: true, value }`, or `{ ok: false, error }` saying
// why. A check that reports every problem, not just the first, returns model/errors.ts's
// Checked<T>: the same shape, with the list as `errors`.
export type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
