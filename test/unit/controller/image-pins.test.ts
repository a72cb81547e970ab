import { describe, expect, it } from 'vitest';
import { needsResolution, nextPin } from '../../../src/controller/image-pins.ts';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const svc = { image: 'reg.example/app:v1' };
const follow = { ...svc, autoredeploy: true };
const pinA = { reference: svc.image, digest: A, revision: 0 };

describe('needsResolution', () => {
  it('asks for a new service, another image, a redeploy, and a pin never resolved', () => {
    expect(needsResolution(svc, undefined, 0)).toBe(true);
    expect(needsResolution({ image: 'reg.example/app:v2' }, pinA, 0)).toBe(true);
    expect(needsResolution(svc, pinA, 1)).toBe(true);
    expect(needsResolution(svc, { reference: svc.image, revision: 0 }, 0)).toBe(true);
    expect(needsResolution(svc, pinA, 0)).toBe(false);
  });
});

describe('nextPin', () => {
  it('pins a new service to what the registry answers', () => {
    expect(nextPin(svc, undefined, 0, { digest: A })).toEqual(pinA);
  });

  it('keeps a service without autoredeploy where it is when its tag moves', () => {
    expect(nextPin(svc, pinA, 0, { digest: B })).toEqual(pinA);
    expect(nextPin(svc, pinA, 0, undefined)).toEqual(pinA);
  });

  it('moves it on a redeploy, recording the revision', () => {
    expect(nextPin(svc, pinA, 3, { digest: B })).toEqual({ reference: svc.image, digest: B, revision: 3 });
  });

  it('moves an autoredeploy service when its tag moves', () => {
    expect(nextPin(follow, pinA, 0, { digest: B })).toEqual({ reference: svc.image, digest: B, revision: 0 });
  });

  it('keeps the last good digest when the registry fails, and says why, still owing the redeploy', () => {
    expect(nextPin(svc, pinA, 2, { error: 'not reached' })).toEqual({ ...pinA, message: 'not reached' });
    expect(nextPin(follow, pinA, 0, { error: 'not reached' })).toEqual({ ...pinA, message: 'not reached' });
  });

  it('runs a new image as written while it cannot be resolved', () => {
    expect(nextPin(svc, undefined, 1, { error: 'refused' })).toEqual({ reference: svc.image, revision: 1, message: 'refused' });
    // The old pin was for another image: its digest is not this image's.
    expect(nextPin({ image: 'reg.example/app:v2' }, pinA, 0, { error: 'refused' })).toEqual({
      reference: 'reg.example/app:v2',
      revision: 0,
      message: 'refused',
    });
  });

  it('clears the message once the registry answers again', () => {
    expect(nextPin(follow, { ...pinA, message: 'not reached' }, 0, { digest: A })).toEqual(pinA);
  });
});
