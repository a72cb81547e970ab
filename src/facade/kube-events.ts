// A Stack's Kubernetes Events, read with Longshore's own rights for the dashboard's stack page
// (the caller has been authorised to get the stack first). The controller records them
// (controller/events.ts); this reads them back, newest first.
import { CoreV1Api, type CoreV1Event, type KubeConfig } from '@kubernetes/client-node';
import type { StackEvent } from './dashboard/deps.ts';

/** How many Events the stack page shows. */
export const MAX_STACK_EVENTS = 50;

export function kubeEventReader(kc: KubeConfig): (namespace: string, uid: string) => Promise<StackEvent[]> {
  const core = kc.makeApiClient(CoreV1Api);
  return async (namespace, uid) => {
    const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.uid=${uid}`, limit: 500 });
    return list.items
      .map(toStackEvent)
      .sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''))
      .slice(0, MAX_STACK_EVENTS);
  };
}

function toStackEvent(e: CoreV1Event): StackEvent {
  const last = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
  return {
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: e.message ?? '',
    count: e.count ?? 1,
    lastSeen: last === undefined ? null : new Date(last).toISOString(),
  };
}
