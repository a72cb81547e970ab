import { describe, expect, it } from 'vitest';
import { needsResolution, nextPin, pinRevision } from '../../../src/controller/image-pins.ts';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const svc = { image: 'reg.example/app:v1' };
const follow = { ...svc, autoredeploy: true };
const pinA = { reference: svc.image, digest: A, revision: 0 };
const at = (revision: number, serviceRevision?: number) => pinRevision(revision, serviceRevision);

describe('needsResolution', () => {
  it('asks for a new service, another image, a redeploy, and a pin never resolved', () => {
    expect(needsResolution(svc, undefined, at(0))).toBe(true);
    expect(needsResolution({ image: 'reg.example/app:v2' }, pinA, at(0))).toBe(true);
    expect(needsResolution(svc, pinA, at(1))).toBe(true);
    expect(needsResolution(svc, { reference: svc.image, revision: 0 }, at(0))).toBe(true);
    expect(needsResolution(svc, pinA, at(0))).toBe(false);
  });

  it("asks for the service's own redeploy (a REDEPLOY trigger), once", () => {
    expect(needsResolution(svc, pinA, at(0, 1))).toBe(true);
    expect(needsResolution(svc, { ...pinA, serviceRevision: 1 }, at(0, 1))).toBe(false);
    expect(needsResolution(svc, { ...pinA, serviceRevision: 1 }, at(1, 1))).toBe(true);
  });
});

describe('nextPin', () => {
  it('pins a new service to what the registry answers', () => {
    expect(nextPin(svc, undefined, at(0), { digest: A })).toEqual(pinA);
  });

  it('keeps a service without autoredeploy where it is when its tag moves', () => {
    expect(nextPin(svc, pinA, at(0), { digest: B })).toEqual(pinA);
    expect(nextPin(svc, pinA, at(0), undefined)).toEqual(pinA);
  });

  it('moves it on a redeploy, recording the revision', () => {
    expect(nextPin(svc, pinA, at(3), { digest: B })).toEqual({ reference: svc.image, digest: B, revision: 3 });
  });

  it("moves it on the service's own redeploy, recording both revisions", () => {
    expect(nextPin(svc, pinA, at(0, 2), { digest: B })).toEqual({
      reference: svc.image,
      digest: B,
      revision: 0,
      serviceRevision: 2,
    });
    expect(nextPin(svc, { ...pinA, serviceRevision: 2 }, at(0, 2), { error: 'x' })).toEqual({
      ...pinA,
      serviceRevision: 2,
      message: 'x',
    });
  });

  it('moves an autoredeploy service when its tag moves', () => {
    expect(nextPin(follow, pinA, at(0), { digest: B })).toEqual({ reference: svc.image, digest: B, revision: 0 });
  });

  it('keeps the last good digest when the registry fails, and says why, still owing the redeploy', () => {
    expect(nextPin(svc, pinA, at(2), { error: 'not reached' })).toEqual({ ...pinA, message: 'not reached' });
    expect(nextPin(follow, pinA, at(0), { error: 'not reached' })).toEqual({ ...pinA, message: 'not reached' });
  });

  it('runs a new image as written while it cannot be resolved', () => {
    expect(nextPin(svc, undefined, at(1), { error: 'refused' })).toEqual({
      reference: svc.image,
      revision: 1,
      message: 'refused',
    });
    // The old pin was for another image: its digest is not this image's.
    expect(nextPin({ image: 'reg.example/app:v2' }, pinA, at(0), { error: 'refused' })).toEqual({
      reference: 'reg.example/app:v2',
      revision: 0,
      message: 'refused',
    });
  });

  it('clears the message once the registry answers again', () => {
    expect(nextPin(follow, { ...pinA, message: 'not reached' }, at(0), { digest: A })).toEqual(pinA);
  });
});
