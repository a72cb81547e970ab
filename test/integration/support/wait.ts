import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waits for a condition with a deadline: the check runs until it returns a truthy value
 * (returned) or the deadline passes (an error naming what was awaited and the last value).
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined | false | null> | T | undefined | false | null,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last as T;
    } catch (err) {
      lastError = err;
    }
    await delay(intervalMs);
  }
  const detail = lastError ? `; last error: ${(lastError as Error).message}` : `; last value: ${JSON.stringify(last)}`;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
}
