// How many nodes a container per node (EVERY_NODE) would run on, for the services of that
// strategy whose containers may end: a DaemonSet cannot run a container once, so they run as
// a Job of one container per node (translate/workload.ts), which must know how many there are.
// A node counts when pods may be scheduled there: not cordoned, and no NoSchedule or
// NoExecute taint (a DaemonSet's own pods tolerate a few more; such a node is left out).
import { CoreV1Api, type KubeConfig, type KubernetesObject, type V1Node } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Informer } from '../runtime/informer.ts';
import { InformerView } from '../runtime/informer-view.ts';

export interface SchedulableNodesOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  onWatchRestart?: (informer: string, reason: string) => void;
}

/** Whether pods without tolerations may be scheduled on this node. */
export function isSchedulable(node: Pick<V1Node, 'spec'>): boolean {
  return (
    !node.spec?.unschedulable && !(node.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
  );
}

/** A Node as cached: its name, and whether it counts (its status, which changes often, dropped). */
function trimNode(node: KubernetesObject): KubernetesObject {
  return {
    metadata: {
      name: node.metadata?.name ?? '',
      ...(node.metadata?.resourceVersion !== undefined && { resourceVersion: node.metadata.resourceVersion }),
      ...(isSchedulable(node as V1Node) ? {} : { labels: { unschedulable: 'true' } }),
    },
  };
}

export class SchedulableNodes extends InformerView {
  readonly informer: Informer<KubernetesObject>;

  constructor(opts: SchedulableNodesOptions) {
    super();
    const core = opts.kubeConfig.makeApiClient(CoreV1Api);
    this.informer = new Informer<KubernetesObject>({
      name: 'Node',
      kubeConfig: opts.kubeConfig,
      logger: opts.logger,
      path: '/api/v1/nodes',
      list: (o) => core.listNode(o) as Promise<{ items: KubernetesObject[] }>,
      transform: trimNode,
      onWatchRestart: (reason) => opts.onWatchRestart?.('Node', reason),
    });
  }

  count(): number {
    return [...this.informer.list()].filter((n) => n.metadata?.labels?.['unschedulable'] === undefined).length;
  }

  /** Calls `handler` whenever the count may have changed (a node added, removed, cordoned, tainted). */
  onChange(handler: () => void): void {
    this.informer.on((type, obj, old) => {
      const counts = (o: KubernetesObject | undefined) => o?.metadata?.labels?.['unschedulable'] === undefined;
      if (type === 'update' && counts(old) === counts(obj)) return;
      handler();
    });
  }
}
