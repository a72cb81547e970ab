// The digests a stack's services run at, for one reconcile: each service's pin from status,
// renewed from the registry's answers where image-pins.ts says it must be (src/controller/
// image-resolver.ts asks the registry, once for all stacks naming a reference).
import type { ServiceImageStatus, ServiceSpec, Stack } from '../model/stack.ts';
import { parseImageReference } from '../registry/reference.ts';
import { lifecycle } from '../states/lifecycle.ts';
import { hasGlobalRole } from '../translate/api-access.ts';
import { ANNOTATION_IMAGE_PUSHED } from '../translate/labels.ts';
import { apiAccessName } from '../translate/names.ts';
import type { Recorder } from './events.ts';
import { isPinnedAlready, needsResolution, nextPin, pinRevision } from './image-pins.ts';
import type { Answer, ImageResolver, PullScope, ResolutionSource } from './image-resolver.ts';

/**
 * The ServiceAccount the service's pods run as, whose imagePullSecrets the kubelet pulls with:
 * the stack's own for roles: [global] (pod-template.ts), the namespace's `default` otherwise.
 */
export function pullScope(stack: Stack, svc: ServiceSpec): PullScope {
  return {
    namespace: stack.metadata.namespace,
    serviceAccount: hasGlobalRole(svc) ? apiAccessName(stack.metadata.name) : 'default',
  };
}

/** An autoredeploy service whose tag moved: its pods roll out on the new digest. */
export interface MovedImage {
  service: string;
  reference: string;
  from: string;
  to: string;
  source: ResolutionSource;
}

export interface StackImages {
  /** By service name; none for a service whose image names a digest already. */
  pins: ReadonlyMap<string, ServiceImageStatus>;
  moved: MovedImage[];
  /** Services whose image could not be resolved now (a new message): name and why. */
  failed: { service: string; message: string }[];
  /** Look again this soon: a resolution a service needs failed. */
  retryAfterMs?: number;
}

/** How far ahead of this process's clock a webhook's push time may be (another process wrote it). */
const PUSH_CLOCK_SKEW_MS = 60_000;

export async function stackImages(stack: Stack, resolver: ImageResolver): Promise<StackImages> {
  const revision = stack.spec.redeploy?.revision ?? 0;
  // A registry's webhook said a followed tag was pushed (src/facade/routes/registry-webhook.ts).
  // A push dated further ahead than clocks drift apart is not believed: the annotation is on the
  // stack editor's own object, and a push "later than any answer" would ask the registry at
  // every reconcile until then.
  const marked = Date.parse(stack.metadata.annotations?.[ANNOTATION_IMAGE_PUSHED] ?? '');
  const pushedAt = marked > resolver.now() + PUSH_CLOCK_SKEW_MS ? Number.NaN : marked;
  const previous = new Map((stack.status?.services ?? []).flatMap((s) => (s.image ? [[s.name, s.image] as const] : [])));
  const pins = new Map<string, ServiceImageStatus>();
  const moved: MovedImage[] = [];
  const failed: StackImages['failed'] = [];
  let retryAfterMs: number | undefined;
  // A stack on its way out runs nothing new: it keeps its pins and asks no registry.
  if (lifecycle(stack) === 'terminated') return { pins: previous, moved, failed };
  await Promise.all(
    stack.spec.services.map(async (svc) => {
      if (isPinnedAlready(svc.image)) return;
      const pin = previous.get(svc.name);
      const at = pinRevision(revision, stack.spec.redeploy?.services?.[svc.name]);
      const scope = pullScope(stack, svc);
      // A reference no registry could answer for: said once, never asked, run as written.
      const invalid = referenceProblem(svc.image);
      if (invalid !== undefined) {
        pins.set(svc.name, { reference: svc.image, ...at, message: invalid });
        if (pin?.message !== invalid) failed.push({ service: svc.name, message: invalid });
        return;
      }
      const needed = needsResolution(svc, pin, at);
      const answer = needed
        ? await resolver.fresh(svc.image, 'reconcile', scope)
        : svc.autoredeploy === true
          ? await followed(resolver, svc.image, scope, pushedAt)
          : undefined;
      const next = nextPin(svc, pin, at, answer?.resolution);
      pins.set(svc.name, next);
      if (needed && next.message !== undefined && answer?.retryMs !== undefined)
        retryAfterMs = Math.min(retryAfterMs ?? answer.retryMs, answer.retryMs);
      if (next.message !== undefined && next.message !== pin?.message) failed.push({ service: svc.name, message: next.message });
      if (!needed && answer && pin?.digest !== undefined && next.digest !== undefined && next.digest !== pin.digest)
        moved.push({ service: svc.name, reference: svc.image, from: pin.digest, to: next.digest, source: answer.source });
    }),
  );
  return { pins, moved, failed, ...(retryAfterMs !== undefined && { retryAfterMs }) };
}

function referenceProblem(image: string): string | undefined {
  try {
    parseImageReference(image);
    return undefined;
  } catch (err) {
    return `not an image reference a registry can be asked about: ${(err as Error).message}`;
  }
}

/** The answer an autoredeploy service follows: the last known, or a fresh one after a webhook's push. */
async function followed(
  resolver: ImageResolver,
  reference: string,
  scope: PullScope,
  pushedAt: number,
): Promise<Answer | undefined> {
  const known = await resolver.known(reference, scope);
  if (Number.isNaN(pushedAt) || (known !== undefined && known.at >= pushedAt)) return known;
  return resolver.fresh(reference, 'webhook', scope);
}

/** The Stack's Events for what changed: a tag followed to a new digest, an image not resolved. */
export async function recordImageEvents(stack: Stack, images: StackImages, record: Recorder): Promise<void> {
  const by = {
    reconcile: 'resolving the same reference for another service',
    poll: 'polling the registry',
    webhook: "the registry's webhook",
  };
  await Promise.all([
    ...images.moved.map((m) =>
      record(
        stack,
        'Normal',
        'Autoredeploy',
        `service ${m.service}: ${m.reference} now points to ${m.to} (was ${m.from}), seen by ${by[m.source]}; redeploying it`,
        { fold: false },
      ),
    ),
    ...images.failed.map((f) =>
      record(stack, 'Warning', 'ImageNotResolved', `service ${f.service}: ${f.message}; it keeps the digest it runs, if any`),
    ),
  ]);
}
