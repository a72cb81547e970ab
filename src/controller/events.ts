// Kubernetes Events on a Stack for each lifecycle step and each failure, so that
// `kubectl describe stack` tells the story. An Event identical to one recorded within the
// last minute is dropped, to spare the API server (client-go's recorder instead patches the
// first one's count and lastTimestamp, one more write each time; a dropped repeat's count
// stays 1); a state change is never dropped (the same change may legitimately happen twice
// within the window).
// The answer settles once the Event is created (or could not be): reconcile awaits a state
// change's Event before the status write that makes the change visible, so that a process
// dying in between leaves the Event recorded (at worst twice), never missing.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { API_VERSION, KIND, type Stack } from '../model/stack.ts';

export type EventType = 'Normal' | 'Warning';
export interface RecordOptions {
  /** Fold into an identical Event recorded within the window (default true). */
  fold?: boolean;
}
/** Records an Event; settles (never rejects) once it is created or has failed, which is logged. */
export type Recorder = (stack: Stack, type: EventType, reason: string, message: string, options?: RecordOptions) => Promise<void>;

const FOLD_WINDOW_MS = 60_000;
const COMPONENT = 'longshore-controller';

export function eventRecorder(kc: KubeConfig, logger: Logger): Recorder {
  const core = kc.makeApiClient(CoreV1Api);
  const fold = eventFolder();
  return async (stack, type, reason, message, options) => {
    const { namespace, name } = stack.metadata;
    const now = Date.now();
    if (options?.fold !== false && fold(`${namespace}/${name}/${type}/${reason}/${message}`, now)) return;
    const time = new Date(now);
    await core
      .createNamespacedEvent({
        namespace,
        body: {
          metadata: { generateName: `${name}.`, namespace },
          involvedObject: { apiVersion: API_VERSION, kind: KIND, name, namespace, uid: stack.metadata.uid ?? '' },
          type,
          reason,
          message,
          source: { component: COMPONENT },
          reportingComponent: COMPONENT,
          reportingInstance: process.env['HOSTNAME'] ?? COMPONENT,
          firstTimestamp: time,
          lastTimestamp: time,
          count: 1,
        },
      })
      .then(
        () => undefined,
        (err: unknown) => logger.warn({ namespace, name, reason, err: (err as Error).message }, 'could not record event'),
      );
  };
}

/**
 * Whether an Event is folded into an identical one recorded within the window; remembers it
 * otherwise. Entries past the window are swept out at most once a window, and the map holds at
 * most `max`, so Events of stacks long gone do not stay in the heap.
 */
export function eventFolder(
  windowMs = FOLD_WINDOW_MS,
  max = 10_000,
): ((key: string, now: number) => boolean) & { size(): number } {
  const recent = new Map<string, number>();
  let lastSweep = 0;
  const sweep = (now: number) => {
    lastSweep = now;
    for (const [k, t] of recent) if (now - t >= windowMs) recent.delete(k);
  };
  const folds = (key: string, now: number): boolean => {
    if (now - lastSweep >= windowMs) sweep(now);
    const last = recent.get(key);
    if (last !== undefined && now - last < windowMs) return true;
    // Re-inserted: the map stays in time order.
    recent.delete(key);
    recent.set(key, now);
    // Still full of Events within the window: the oldest goes (it merely may be recorded twice).
    if (recent.size > max) {
      const oldest = recent.keys().next().value;
      if (oldest !== undefined) recent.delete(oldest);
    }
    return false;
  };
  return Object.assign(folds, { size: () => recent.size });
}
