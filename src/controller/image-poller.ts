// Autoredeploy by polling: every interval, the tags that autoredeploy services follow are asked
// of their registries again, one registry's questions one after the other with a gap between
// them (a registry sees at most `perRegistryPerMinute` of them a minute), registries side by
// side. A tag followed in several namespaces is asked once per set of credentials they pull
// with (one answer serves namespaces with the same credentials). A reference whose answer
// changed wakes the stacks naming it; their reconcile decides whether a digest really moved
// (src/controller/images.ts).
import type { Logger } from 'pino';
import type { Stack } from '../model/stack.ts';
import { parseImageReference } from '../registry/reference.ts';
import { allBounded } from '../util/bounded.ts';
import { stableStringify } from '../util/stable-json.ts';
import { isPinnedAlready } from './image-pins.ts';
import type { ImageResolver, PullScope, ResolutionSource } from './image-resolver.ts';
import { pullScope } from './images.ts';

/** A tag followed, with whose pull credentials it is asked. */
export interface FollowedImage {
  reference: string;
  scope: PullScope;
}

export interface ImagePollerOptions {
  resolver: ImageResolver;
  stacks: () => readonly Stack[];
  /** The stacks naming a reference whose answer changed. */
  wake: (stacks: readonly Stack[]) => void;
  intervalMs: number;
  perRegistryPerMinute: number;
  logger: Logger;
}

/** The references autoredeploy services follow, by registry, each once per ServiceAccount pulling it. */
export function followedReferences(stacks: readonly Stack[]): Map<string, FollowedImage[]> {
  const byRegistry = new Map<string, Map<string, FollowedImage>>();
  for (const stack of stacks) {
    if (stack.metadata.deletionTimestamp) continue;
    for (const svc of stack.spec.services) {
      if (svc.autoredeploy !== true || isPinnedAlready(svc.image)) continue;
      let registry: string;
      try {
        registry = parseImageReference(svc.image).registry;
      } catch {
        continue; // the service's status says what is wrong with it
      }
      const scope = pullScope(stack, svc);
      const followed = byRegistry.get(registry) ?? new Map<string, FollowedImage>();
      followed.set(JSON.stringify([svc.image, scope.namespace, scope.serviceAccount]), { reference: svc.image, scope });
      byRegistry.set(registry, followed);
    }
  }
  return new Map(
    [...byRegistry].map(([r, followed]) => [r, [...followed].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, f]) => f)]),
  );
}

/** Stacks with an autoredeploy service naming one of these references. */
export function stacksFollowing(stacks: readonly Stack[], references: ReadonlySet<string>): Stack[] {
  return stacks.filter((s) => s.spec.services.some((svc) => svc.autoredeploy === true && references.has(svc.image)));
}

/** Registries polled at once. */
const REGISTRIES_AT_ONCE = 8;

/**
 * Asks again for each reference, one registry's questions spaced by `gapMs`; wakes the stacks
 * whose reference's answer changed. (A webhook only marks the stacks; their reconcile asks.)
 */
export async function refreshReferences(
  byRegistry: ReadonlyMap<string, readonly FollowedImage[]>,
  o: Pick<ImagePollerOptions, 'resolver' | 'stacks' | 'wake'> & { gapMs: number; source: ResolutionSource },
): Promise<void> {
  const changed = new Set<string>();
  // Registries are named by stack editors: a few at a time, however many there are.
  await allBounded([...byRegistry.values()], REGISTRIES_AT_ONCE, async (followed) => {
    const asked = new Set<string>();
    for (const { reference, scope } of followed) {
      // Namespaces pulling with the same credentials (or none) share one question.
      const key = await o.resolver
        .identify(reference, scope)
        .then((q) => q.key)
        .catch(() => undefined);
      if (key !== undefined && asked.has(key)) continue;
      if (asked.size > 0) await new Promise((r) => setTimeout(r, o.gapMs));
      if (key !== undefined) asked.add(key);
      const before = (await o.resolver.known(reference, scope))?.resolution;
      const after = (await o.resolver.ask(reference, o.source, scope)).resolution;
      if (stableStringify(before ?? null) !== stableStringify(after)) changed.add(reference);
    }
  });
  if (changed.size > 0) o.wake(stacksFollowing(o.stacks(), changed));
}

export class ImagePoller {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly o: ImagePollerOptions;

  constructor(o: ImagePollerOptions) {
    this.o = o;
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.round().finally(() => this.schedule()), this.o.intervalMs);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    try {
      await refreshReferences(followedReferences(this.o.stacks()), {
        ...this.o,
        gapMs: 60_000 / this.o.perRegistryPerMinute,
        source: 'poll',
      });
    } catch (err) {
      this.o.logger.warn({ err }, 'polling registries for autoredeploy failed');
    }
  }
}
