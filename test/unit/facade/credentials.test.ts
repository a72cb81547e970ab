import { describe, expect, it } from 'vitest';
import { serviceAccountNamespace, tokenFromAuthorization } from '../../../src/facade/credentials.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('tokenFromAuthorization', () => {
  it('takes the API key of Basic user:apikey as the token', () => {
    expect(tokenFromAuthorization(`Basic ${b64('alice:eyJhbGciOi.x.y')}`)).toBe('eyJhbGciOi.x.y');
  });

  it('keeps colons inside the token (only the first one separates the user)', () => {
    expect(tokenFromAuthorization(`Basic ${b64('alice:a:b')}`)).toBe('a:b');
  });

  it('takes a Bearer token verbatim, whatever the scheme case', () => {
    expect(tokenFromAuthorization('Bearer abc.def')).toBe('abc.def');
    expect(tokenFromAuthorization('bearer abc.def')).toBe('abc.def');
  });

  it("accepts Docker Cloud's ApiKey user:key form", () => {
    expect(tokenFromAuthorization('ApiKey alice:abc')).toBe('abc');
  });

  it('finds no token in a missing, empty or unknown header', () => {
    expect(tokenFromAuthorization(undefined)).toBeUndefined();
    expect(tokenFromAuthorization('')).toBeUndefined();
    expect(tokenFromAuthorization('Digest x=y')).toBeUndefined();
    expect(tokenFromAuthorization(`Basic ${b64('alice:')}`)).toBeUndefined();
  });
});

describe('serviceAccountNamespace', () => {
  it("is a ServiceAccount's own namespace", () => {
    expect(serviceAccountNamespace('system:serviceaccount:team-a:deployer')).toBe('team-a');
  });
  it('is undefined for other users', () => {
    expect(serviceAccountNamespace('alice')).toBeUndefined();
    expect(serviceAccountNamespace('system:node:n1')).toBeUndefined();
  });
});
