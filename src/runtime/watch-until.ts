// Waiting for a condition on the cluster by watching, never by polling: an informer's cache is
// looked at once it has synced and again after every event it receives.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Informer } from './informer.ts';

/**
 * Starts `informer` and resolves once `done()` holds; rejects with `timeout()` after
 * `timeoutMs`. The informer is stopped either way.
 */
export async function watchUntil<T extends KubernetesObject>(
  informer: Informer<T>,
  done: () => boolean,
  timeoutMs: number,
  timeout: () => Error,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(timeout()), Math.max(0, timeoutMs));
      const check = () => {
        if (informer.hasSynced() && done()) resolve();
      };
      informer.on(check);
      informer.start();
      informer.waitForSync().then(check, reject);
    });
  } finally {
    clearTimeout(timer);
    informer.stop();
  }
}
