// A read-only view of the cluster kept by one Informer (Namespaces' levels, Nodes' count):
// started once however many callers ask, and waited for until it has synced.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Informer } from './informer.ts';

export abstract class InformerView {
  abstract readonly informer: Informer<KubernetesObject>;
  private started = false;

  /** Starts the informer (idempotent); resolves once it has synced. */
  start(): Promise<void> {
    if (!this.started) {
      this.started = true;
      this.informer.start();
    }
    return this.informer.waitForSync();
  }

  stop(): void {
    this.started = false;
    this.informer.stop();
  }
}
