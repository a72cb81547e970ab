import { describe, expect, it } from 'vitest';
import { blockedServices } from '../../../src/translate/desired.ts';
import { dnsNames, service, stack, translate } from './fixtures.ts';

const services = [
  service('web', {
    targetNumContainers: 2,
    containerPorts: [{ innerPort: 80, outerPort: 80, published: true }],
    linkedToService: [{ toService: 'db', name: 'DATABASE' }],
    containerEnvvars: [
      { key: 'B', value: '2' },
      { key: 'A', value: '1' },
    ],
    labels: { z: '1', a: '2' },
    tags: ['b', 'a'],
  }),
  service('db', { bindings: [{ containerPath: '/var/lib/postgresql' }], containerPorts: [{ innerPort: 5432 }] }),
  service('agent', { deploymentStrategy: 'EVERY_NODE' }),
];

describe('desiredObjects', () => {
  it('gives identical output, down to key order, for the same stack', () => {
    const a = translate(stack(services));
    const b = translate(stack(structuredClone(services)));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('does not depend on the order services are listed in', () => {
    const forward = translate(stack(services)).objects;
    const backward = translate(stack([...services].reverse())).objects;
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
  });

  it('lists claims first, then Services, then workloads, each by name', () => {
    expect(translate(stack(services)).objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      expect.stringMatching(/^PersistentVolumeClaim\/shop-db-[0-9a-f]{8}-v0$/),
      'Service/shop',
      'Service/shop-agent',
      'Service/shop-db',
      'Service/shop-web',
      'EndpointSlice/shop',
      'Deployment/shop-db',
      'Deployment/shop-web',
      'DaemonSet/shop-agent',
    ]);
  });

  it('sets no field to undefined, so what is applied is exactly what is shown', () => {
    const hasUndefined = (v: unknown): boolean =>
      v === undefined || (typeof v === 'object' && v !== null && Object.values(v).some(hasUndefined));
    expect(hasUndefined(translate(stack(services)).objects)).toBe(false);
  });

  it("leaves out a service that has problems, keeps the others, and says which services' children to leave alone", () => {
    const t = translate(stack([...services, service('bad', { net: 'host' })]));
    expect(t.objects.some((o) => o.metadata.labels['longshore.io/service'] === 'bad')).toBe(false);
    expect(t.objects.some((o) => o.metadata.name === 'shop-web')).toBe(true);
    expect(blockedServices(t)).toEqual(new Set(['bad']));
  });

  it('keeps every DNS name of the stack when a service using an alias is left out', () => {
    const link = { linkedToService: [{ toService: 'db', name: 'postgres' }] };
    const t = translate(
      stack([service('a', { ...link, net: 'host' }), service('b', link), service('db')]),
      {},
      {
        serviceAddresses: (_stack, svc) => (svc === 'db' ? ['10.96.0.7'] : []),
      },
    );
    expect(blockedServices(t)).toEqual(new Set(['a']));
    expect(dnsNames(t.objects)['postgres']).toEqual(['10.96.0.7']);
  });

  it('wants nothing, as a stack-wide problem, before the Stack has a uid to own its children', () => {
    const t = translate(stack(services, {}, { uid: undefined }));
    expect(t.objects).toEqual([]);
    expect(t.problems).toEqual([
      { service: '', field: 'metadata.uid', message: 'the Stack has no uid yet, so no child can name it as its owner' },
    ]);
  });

  it('translates an empty stack to nothing, without problems', () => {
    expect(translate(stack([]))).toEqual({ objects: [], problems: [], notices: [], warnings: [] });
  });
});
