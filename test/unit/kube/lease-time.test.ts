import { describe, expect, it } from 'vitest';
import { microTime } from '../../../src/kube/leader-election.ts';

describe('Lease times', () => {
  it('are written with six fractional digits, as the API server parses MicroTime', () => {
    expect(String(microTime(new Date('2026-11-28T07:17:01.437Z')))).toBe('2026-11-28T07:17:01.437000Z');
  });
});
