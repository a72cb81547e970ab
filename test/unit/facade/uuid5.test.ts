import { describe, expect, it } from 'vitest';
import { LONGSHORE_SERVICE_NAMESPACE, NAMESPACE_DNS, serviceUuid, uuidv5 } from '../../../src/facade/uuid5.ts';

describe('uuidv5', () => {
  it('matches the known vector uuid5(NAMESPACE_DNS, "python.org")', () => {
    expect(uuidv5('python.org', NAMESPACE_DNS)).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('derives Longshore service uuids from the stack uid and the service name', () => {
    // Values computed independently with Python's uuid module.
    expect(LONGSHORE_SERVICE_NAMESPACE).toBe('2b3f93c2-538c-5bdf-b69b-40d0c9b751a4');
    expect(serviceUuid('0a6c2f9e-1b7e-4a43-9d0e-5f3c8a1b2c3d', 'web')).toBe('7021ede4-335f-5f56-9ab0-91595864f454');
  });

  it('gives different services and stacks different uuids', () => {
    const a = serviceUuid('0a6c2f9e-1b7e-4a43-9d0e-5f3c8a1b2c3d', 'web');
    expect(serviceUuid('0a6c2f9e-1b7e-4a43-9d0e-5f3c8a1b2c3d', 'db')).not.toBe(a);
    expect(serviceUuid('1a6c2f9e-1b7e-4a43-9d0e-5f3c8a1b2c3d', 'web')).not.toBe(a);
  });
});
