import type { V1Lease } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { LeaseObserver, microTime } from '../../../src/runtime/leader-election.ts';

describe('Lease times', () => {
  it('are written with six fractional digits, as the API server parses MicroTime', () => {
    expect(String(microTime(new Date('2026-11-28T07:17:01.437Z')))).toBe('2026-11-28T07:17:01.437000Z');
  });
});

describe('a Lease held by another process', () => {
  const lease = (renewTime: string, resourceVersion: string, holderIdentity = 'other'): V1Lease => ({
    metadata: { name: 'l', resourceVersion },
    spec: { holderIdentity, leaseDurationSeconds: 15, renewTime: renewTime as unknown as Date },
  });

  it('expires a whole lease duration after its record last changed, on our own clock', () => {
    const observer = new LeaseObserver();
    expect(observer.expired(lease('2026-12-03T10:00:00.000000Z', '1'), 1_000)).toBe(false);
    expect(observer.expired(lease('2026-12-03T10:00:00.000000Z', '1'), 15_999)).toBe(false);
    expect(observer.expired(lease('2026-12-03T10:00:00.000000Z', '1'), 16_000)).toBe(true);
  });

  it('is not taken while it is renewed, however far its renewTime lies behind our wall clock', () => {
    const observer = new LeaseObserver();
    // The holder's clock is a day behind: its renewTime always looks stale, yet it renews.
    for (let i = 0; i < 20; i++) {
      const renewed = lease(`2026-12-02T10:00:${String(i * 2).padStart(2, '0')}.000000Z`, String(i));
      expect(observer.expired(renewed, i * 2_000)).toBe(false);
    }
  });

  it('counts again from zero when another process takes it over', () => {
    const observer = new LeaseObserver();
    observer.expired(lease('2026-12-03T10:00:00.000000Z', '1'), 0);
    expect(observer.expired(lease('2026-12-03T10:00:00.000000Z', '2', 'third'), 14_000)).toBe(false);
    expect(observer.expired(lease('2026-12-03T10:00:00.000000Z', '2', 'third'), 29_000)).toBe(true);
  });
});
