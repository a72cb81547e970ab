import { describe, expect, it } from 'vitest';
import { formatFieldErrors, formatZodIssues, validateStackSpec } from '../../../src/model/errors.ts';
import { StackSpec } from '../../../src/model/stack.ts';

const badSpec = {
  services: [
    { name: 'web', image: 'nginx', linkedToService: [{ toService: 'Db' }] },
    { name: 'db', image: 'postgres', linkedToService: [{ toService: 'web', alias: 'x' }], cpuShares: 1 },
  ],
  extra: true,
};

function issues(input: unknown) {
  const parsed = StackSpec.safeParse(input, { reportInput: true });
  if (parsed.success) throw new Error('accepted');
  return parsed.error.issues;
}

describe('formatZodIssues', () => {
  it('spells paths the Kubernetes way under spec.', () => {
    expect(formatZodIssues(issues(badSpec), 'spec', 'kubernetes')).toEqual([
      { field: 'spec.services[0].linkedToService[0].toService', message: expect.stringContaining('DNS-1123 labels') },
      { field: 'spec.services[1].linkedToService[0].alias', message: 'unknown field "alias"' },
      { field: 'spec.services[1].cpuShares', message: expect.stringContaining('>=2') },
      { field: 'spec.extra', message: 'unknown field "extra"' },
    ]);
  });

  it("spells paths the API's way, in snake_case and without prefix", () => {
    expect(formatZodIssues(issues(badSpec), '', 'api').map((e) => e.field)).toEqual([
      'services[0].linked_to_service[0].to_service',
      'services[1].linked_to_service[0].alias',
      'services[1].cpu_shares',
      'extra',
    ]);
  });

  it('says "is required" for a missing value, and names the wrong type otherwise', () => {
    expect(formatZodIssues(issues({ services: [{ name: 'web' }] }), 'spec', 'kubernetes')).toEqual([
      { field: 'spec.services[0].image', message: 'is required' },
    ]);
    expect(formatZodIssues(issues({ services: [{ name: 'web', image: 5 }] }), 'spec', 'kubernetes')).toEqual([
      { field: 'spec.services[0].image', message: 'Invalid input: expected string, received number' },
    ]);
  });
});

describe('validateStackSpec', () => {
  it('gives the spec back when it is valid', () => {
    expect(validateStackSpec({ services: [{ name: 'web', image: 'nginx' }] })).toEqual({
      ok: true,
      value: { services: [{ name: 'web', image: 'nginx' }] },
    });
  });

  it('names unknown fields', () => {
    expect(validateStackSpec({ services: [], foo: 1 })).toEqual({
      ok: false,
      errors: [{ field: 'spec.foo', message: 'unknown field "foo"' }],
    });
  });

  it('applies the rules across services', () => {
    expect(validateStackSpec({ services: [{ name: 'web', image: 'nginx', bindings: [{ volumesFrom: 'data' }] }] })).toEqual({
      ok: false,
      errors: [
        {
          field: 'spec.services[0].bindings[0].volumesFrom',
          message: 'takes volumes from "data", which is not a service of this stack',
        },
      ],
    });
  });

  it('never throws, whatever it is given', () => {
    for (const input of [undefined, null, 0, 'spec', [], { services: 'web' }, { services: [null] }]) {
      expect(validateStackSpec(input).ok).toBe(false);
    }
  });
});

describe('formatFieldErrors', () => {
  it('puts every error on one line, for an HTTP error body', () => {
    expect(
      formatFieldErrors([
        { field: 'services[0] (web).ports[0]', message: '"x" is not a port' },
        { field: '', message: 'the file is empty' },
      ]),
    ).toBe('services[0] (web).ports[0]: "x" is not a port; the file is empty');
  });
});
