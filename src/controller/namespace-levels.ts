// The Pod Security level of each namespace, for the translation (a stack's surroundings) and
// the façade's check before a write: a cache of Namespaces' labels, kept by an Informer. A
// namespace's level is its pod-security.kubernetes.io/enforce label when present (what
// Kubernetes' Pod Security admission enforces there), else the operator's default
// (LONGSHORE_POD_SECURITY_DEFAULT, baseline out of the box). Only who may write Namespaces, a
// cluster administrator, can change it: a namespace's own editors (the `edit` and `admin`
// roles, and so whoever may write Stacks) cannot.
import { CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Informer } from '../runtime/informer.ts';
import { InformerView } from '../runtime/informer-view.ts';
import { namespaceLevel, POD_SECURITY_ENFORCE_LABEL, type PodSecurityLevel } from '../translate/index.ts';

export interface NamespaceLevelsOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** The level of a namespace without the enforce label. */
  defaultLevel: PodSecurityLevel;
  /** Watch one namespace only (LONGSHORE_WATCH_NAMESPACE); all when absent. */
  namespace?: string;
  onWatchRestart?: (informer: string, reason: string) => void;
}

/** A Namespace as cached: its name and the one label that counts. */
function trimNamespace(ns: KubernetesObject): KubernetesObject {
  const level = ns.metadata?.labels?.[POD_SECURITY_ENFORCE_LABEL];
  return {
    metadata: {
      name: ns.metadata?.name ?? '',
      ...(ns.metadata?.resourceVersion !== undefined && { resourceVersion: ns.metadata.resourceVersion }),
      ...(level !== undefined && { labels: { [POD_SECURITY_ENFORCE_LABEL]: level } }),
    },
  };
}

export class NamespaceLevels extends InformerView {
  readonly informer: Informer<KubernetesObject>;
  private readonly defaultLevel: PodSecurityLevel;

  constructor(opts: NamespaceLevelsOptions) {
    super();
    const core = opts.kubeConfig.makeApiClient(CoreV1Api);
    this.defaultLevel = opts.defaultLevel;
    this.informer = new Informer<KubernetesObject>({
      name: 'Namespace',
      kubeConfig: opts.kubeConfig,
      logger: opts.logger,
      path: '/api/v1/namespaces',
      // One namespace: list and watch that one by name (RBAC may then name it alone).
      ...(opts.namespace !== undefined && { fieldSelector: `metadata.name=${opts.namespace}` }),
      list: (o) => core.listNamespace(o) as Promise<{ items: KubernetesObject[] }>,
      transform: trimNamespace,
      onWatchRestart: (reason) => opts.onWatchRestart?.('Namespace', reason),
    });
  }

  /**
   * The level of a namespace. One the cache does not hold (not synced yet, or just created)
   * gets the default: its label, if any, is seen with the next watch event, which makes the
   * stacks of that namespace reconcile again (onChange).
   */
  levelOf(namespace: string): PodSecurityLevel {
    const ns = this.informer.get(`/${namespace}`);
    return namespaceLevel(ns?.metadata?.labels, this.defaultLevel);
  }

  /** Calls `handler` with a namespace's name whenever its level may have changed. */
  onChange(handler: (namespace: string) => void): void {
    this.informer.on((type, obj, old) => {
      const label = (o: KubernetesObject | undefined) => o?.metadata?.labels?.[POD_SECURITY_ENFORCE_LABEL];
      if (type === 'update' && label(old) === label(obj)) return;
      handler(obj.metadata?.name ?? '');
    });
  }
}
