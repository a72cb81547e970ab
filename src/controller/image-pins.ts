// Which digest each service's image runs at, decided from what status says it runs at and what
// the registry answered: pure, so the rules are tested without a registry.
//
// - A service runs the digest it was last resolved to until something asks for a new one: the
//   stack names another image, a redeploy raises spec.redeploy.revision (or, for this service
//   alone, spec.redeploy.services[name]), or (autoredeploy) its tag now points elsewhere. A tag
//   moving in the registry moves nothing else.
// - A resolution that fails keeps the last good digest running and says why on the service;
//   with no digest yet, the image runs as written (what it did before digests), and is resolved
//   again later.
import type { ServiceImageStatus, ServiceSpec } from '../model/stack.ts';

/** What the registry last answered for a reference. */
export type Resolution = { digest: string } | { error: string };

/** The redeploys a pin is resolved for: the stack's (spec.redeploy.revision) and the service's own. */
export type PinRevision = Pick<ServiceImageStatus, 'revision' | 'serviceRevision'>;

/** The redeploys asked for now, as a pin records them (no serviceRevision while 0: pins as before). */
export function pinRevision(revision: number, serviceRevision: number | undefined): PinRevision {
  return serviceRevision === undefined || serviceRevision === 0 ? { revision } : { revision, serviceRevision };
}

/** Whether the service needs an answer of the registry newer than its pin. */
export function needsResolution(svc: Pick<ServiceSpec, 'image'>, pin: ServiceImageStatus | undefined, at: PinRevision): boolean {
  return (
    pin === undefined ||
    pin.reference !== svc.image ||
    pin.digest === undefined ||
    pin.revision < at.revision ||
    (pin.serviceRevision ?? 0) < (at.serviceRevision ?? 0)
  );
}

const revisionOf = (pin: PinRevision): PinRevision => pinRevision(pin.revision, pin.serviceRevision);

/** A reference that names a digest already runs as written: nothing to resolve. */
export const isPinnedAlready = (image: string) => image.includes('@');

/**
 * The service's next pin. `resolution` is the registry's answer: a fresh one when
 * `needsResolution` said so, the last known one for an autoredeploy service, none otherwise.
 */
export function nextPin(
  svc: Pick<ServiceSpec, 'image' | 'autoredeploy'>,
  pin: ServiceImageStatus | undefined,
  at: PinRevision,
  resolution: Resolution | undefined,
): ServiceImageStatus {
  const same = pin !== undefined && pin.reference === svc.image ? pin : undefined;
  if (resolution === undefined) return same ?? { reference: svc.image, ...at };
  if ('error' in resolution) {
    // The last good digest keeps running, at the revision it was resolved for: a later answer
    // still counts as the redeploy's.
    if (same?.digest !== undefined)
      return { reference: svc.image, digest: same.digest, ...revisionOf(same), message: resolution.error };
    return { reference: svc.image, ...(same !== undefined ? revisionOf(same) : at), message: resolution.error };
  }
  if (same !== undefined && !needsResolution(svc, same, at) && svc.autoredeploy !== true)
    return { reference: svc.image, digest: same.digest!, ...revisionOf(same) };
  return { reference: svc.image, digest: resolution.digest, ...at };
}
