// Observe, the first step of a reconcile: the Stack as the cache has it, whether that copy can
// be acted on (gone, older than our own last status write, a spec the schema refuses), the
// digests its images run at and its surroundings (other stacks, plain Services). Reads only.
import type { Logger } from 'pino';
import { formatFieldErrors, validateStackSpec } from '../model/errors.ts';
import type { Stack } from '../model/stack.ts';
import { isNewerResourceVersion } from '../runtime/resource-version.ts';
import type { Surroundings } from '../translate/index.ts';
import { type StackImages, stackImages } from './images.ts';
import type { ReconcileDeps } from './reconcile-deps.ts';
import { observeSurroundings } from './surroundings.ts';

export type Observation =
  /** Gone or going: owner references let the garbage collector remove the children. */
  | { outcome: 'gone' }
  /**
   * The cache has not yet received our own last status write: a status derived from this copy
   * would be refused (409). The watch event of that write brings the key back.
   */
  | { outcome: 'stale' }
  /** The CRD's schema should have refused it; said in status rather than acted on. */
  | { outcome: 'invalid'; stack: Stack; log: Logger; message: string }
  | {
      outcome: 'valid';
      stack: Stack;
      log: Logger;
      /** Absent when digest resolution is off. */
      images: StackImages | undefined;
      /** With each service's pinned digest, when digests are resolved. */
      surroundings: Surroundings;
    };

/**
 * Observes the Stack of `key`. `written` is the resourceVersion our last status write of it
 * answered, while the cache may not have caught up with it.
 */
export async function observe(key: string, deps: ReconcileDeps, written: string | undefined): Promise<Observation> {
  const stack = deps.caches.stacks.get(key) as Stack | undefined;
  if (!stack || stack.metadata.deletionTimestamp) return { outcome: 'gone' };
  const { namespace, name } = stack.metadata;
  const log = deps.logger.child({ namespace, name });
  if (written !== undefined && isNewerResourceVersion(written, stack.metadata.resourceVersion)) {
    log.debug({ cached: stack.metadata.resourceVersion, written }, 'cache behind our status write; waiting for it');
    return { outcome: 'stale' };
  }
  const valid = validateStackSpec(stack.spec);
  if (!valid.ok) return { outcome: 'invalid', stack, log, message: formatFieldErrors(valid.errors) };

  const images = deps.images === undefined ? undefined : await stackImages(stack, deps.images);
  const observed = await observeSurroundings(stack, deps.caches, deps.readService);
  const surroundings = images === undefined ? observed : { ...observed, imageDigest: (s: string) => images.pins.get(s)?.digest };
  return { outcome: 'valid', stack, log, images, surroundings };
}
