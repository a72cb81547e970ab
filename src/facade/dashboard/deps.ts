// What the dashboard needs from the process beyond the REST API's dependencies (deps.ts):
// where its built page lies, the informer cache's changes, and a Stack's Kubernetes Events.
import type { Stack } from '../../model/stack.ts';

/** A Kubernetes Event about a Stack, as the stack page lists it. */
export interface StackEvent {
  type: string;
  reason: string;
  message: string;
  count: number;
  /** When it last happened (ISO 8601), or null when the Event says nothing. */
  lastSeen: string | null;
}

/** A Stack added or changed in the cache, or deleted from it. */
export type StackChange = (type: 'add' | 'update' | 'delete', stack: Stack) => void;

export interface DashboardDeps {
  /** The built page (index.html, app.js, app.css); answers 503 while it is not built. */
  assetsDir: string;
  /** Calls the listener on every change of the Stack cache; returns the unsubscribe. */
  subscribe: (listener: StackChange) => () => void;
  /** The stack's recent Events, newest first, read with Longshore's own rights. */
  readEvents: (namespace: string, uid: string) => Promise<StackEvent[]>;
  /** How long one event stream lasts before the page reconnects and is authorised again, in ms. */
  streamMaxMs?: number;
  /** How often an idle stream carries a comment, so proxies keep it open, in ms. */
  heartbeatMs?: number;
  /** Event streams one user may have open at once (stream-slots.ts). */
  maxStreamsPerUser?: number;
  /** Event streams the process serves at once. */
  maxStreams?: number;
}

/** One listener on the cache fanned out to every open stream. */
export function changeFeed(cache: { on(handler: (type: 'add' | 'update' | 'delete', obj: Stack) => void): void }) {
  const listeners = new Set<StackChange>();
  cache.on((type, obj) => {
    for (const listener of listeners) listener(type, obj);
  });
  return (listener: StackChange): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
}
