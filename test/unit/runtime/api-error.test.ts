import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { asKubeApiError, describeError, errorMessage, isTransient, KubeApiError } from '../../../src/runtime/api-error.ts';

const status = (code: number, message: string) =>
  new ApiException(code, 'Unknown API Status Code!', JSON.stringify({ kind: 'Status', message, code }), { a: 'b' });

describe('an API error', () => {
  it("is described by the API server's message", () => {
    const err = status(
      422,
      'Service "shop-web" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    expect(errorMessage(err)).toBe(
      'Service "shop-web" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    expect(describeError(err)).toMatch(/^HTTP 422: Service "shop-web" is invalid/);
    expect(errorMessage(new ApiException(401, 'Unauthorized', undefined, { x: 'y' }))).toBe('Unauthorized');
    expect(errorMessage(new Error('connect ECONNREFUSED 127.0.0.1:6443'))).toBe('connect ECONNREFUSED 127.0.0.1:6443');
    expect(errorMessage(status(403, 'x'.repeat(600))).length).toBe(500);
  });

  it('is transient unless it is a refusal (4xx other than 408, 409, 429)', () => {
    for (const code of [400, 403, 404, 422]) expect(isTransient(status(code, 'no'))).toBe(false);
    for (const code of [408, 409, 429, 500, 503, 504]) expect(isTransient(status(code, 'later'))).toBe(true);
    expect(isTransient(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
  });
});

describe('one error type for the Kubernetes API', () => {
  it("is made from client-node's exception: code, the Status reason and message", () => {
    const err = new ApiException(
      409,
      'Unknown API Status Code!',
      JSON.stringify({
        kind: 'Status',
        reason: 'AlreadyExists',
        message: 'stacks.longshore.io "shop" already exists',
        code: 409,
      }),
      {},
    );
    const kube = asKubeApiError(err);
    expect(kube).toBeInstanceOf(KubeApiError);
    expect({ code: kube?.code, reason: kube?.reason, message: kube?.message }).toEqual({
      code: 409,
      reason: 'AlreadyExists',
      message: 'stacks.longshore.io "shop" already exists',
    });
    expect(asKubeApiError(kube)).toBe(kube);
  });

  it('is not made of a failure that got no answer', () => {
    expect(asKubeApiError(new Error('connect ECONNREFUSED 127.0.0.1:6443'))).toBeUndefined();
  });
});
