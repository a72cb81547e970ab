// How many dashboard event streams may be open at once: each holds a socket, a listener on the
// cache and up to MAX_BUFFERED_BYTES of unsent data, so a caller with a valid token could
// otherwise open thousands and take the process's memory. Bounded per caller (by username:
// a person's tabs, a script's loop) and for the whole process; past either, the stream is
// refused with 429 before anything is held for it.
import { HttpError } from '../errors.ts';

export const DEFAULT_MAX_STREAMS_PER_USER = 8;
export const DEFAULT_MAX_STREAMS = 1000;

export interface StreamSlots {
  /** Takes a slot for this user, or throws 429; the returned function gives it back (once). */
  take(username: string): () => void;
  readonly open: number;
}

export function streamSlots(perUser = DEFAULT_MAX_STREAMS_PER_USER, total = DEFAULT_MAX_STREAMS): StreamSlots {
  const byUser = new Map<string, number>();
  let open = 0;
  return {
    take(username) {
      const mine = byUser.get(username) ?? 0;
      if (mine >= perUser)
        throw new HttpError(
          429,
          `too many open event streams for this user: at most ${perUser} at once; close a dashboard page or wait for one to end`,
          { 'Retry-After': '5' },
        );
      if (open >= total)
        throw new HttpError(429, `too many open event streams: at most ${total} at once in this process`, { 'Retry-After': '5' });
      byUser.set(username, mine + 1);
      open++;
      let given = false;
      return () => {
        if (given) return;
        given = true;
        open--;
        const left = (byUser.get(username) ?? 1) - 1;
        // Nothing kept for a user with no stream open.
        if (left === 0) byUser.delete(username);
        else byUser.set(username, left);
      };
    },
    get open() {
      return open;
    },
  };
}
