// The zod side of the CRD parity check: every case of spec-cases.ts is accepted or refused by
// validateStackSpec (and the transition rules) as the case says. The API-server side runs the
// same cases against the CRD.
import { describe, expect, it } from 'vitest';
import { validateStackSpec } from '../../../src/model/errors.ts';
import { transitionErrors } from '../../../src/states/transitions.ts';
import { INVALID_SPECS, TRANSITION_CASES, VALID_SPECS } from './spec-cases.ts';

describe('specs zod must accept', () => {
  it.each(VALID_SPECS.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = validateStackSpec(c.spec);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});

describe('specs zod must refuse', () => {
  it.each(INVALID_SPECS.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = validateStackSpec(c.spec);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toContain(c.field);
  });
});

describe('changes of spec', () => {
  it.each(TRANSITION_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const errors = transitionErrors(c.before, c.after);
    if (c.allowed) expect(errors).toEqual([]);
    else expect(errors.map((e) => e.field)).toEqual([c.field]);
  });

  it('only concern specs that are valid on their own', () => {
    for (const c of TRANSITION_CASES) {
      expect(validateStackSpec(c.before).ok).toBe(true);
      expect(validateStackSpec(c.after).ok).toBe(true);
    }
  });
});
