import { describe, expect, it } from 'vitest';
import { serviceNeedsRecreate } from '../../../src/translate/service.ts';
import { service, stack, translate, translateOne } from './fixtures.ts';

describe('Services', () => {
  it('exist for every service, named <stack>-<service>, headless when it has no ports', () => {
    const { service: svc } = translateOne(service('worker'));
    expect(svc?.metadata.name).toBe('shop-worker');
    expect(svc?.spec).toEqual({
      type: 'ClusterIP',
      clusterIP: 'None',
      selector: { 'longshore.io/stack': 'shop', 'longshore.io/service': 'worker' },
    });
  });

  it('are ClusterIP on the container ports when nothing is published', () => {
    const { service: svc } = translateOne(
      service('db', { containerPorts: [{ innerPort: 5432 }, { innerPort: 53, protocol: 'udp' }] }),
    );
    expect(svc?.spec?.type).toBe('ClusterIP');
    expect(svc?.spec?.clusterIP).toBeUndefined();
    expect(svc?.spec?.ports).toEqual([
      { name: 'udp-53', protocol: 'UDP', port: 53, targetPort: 53 },
      { name: 'tcp-5432', protocol: 'TCP', port: 5432, targetPort: 5432 },
    ]);
  });

  it('are NodePort by default when a port is published, the outer port becoming the node port inside the node port range', () => {
    const { service: svc } = translateOne(
      service('web', {
        containerPorts: [
          { innerPort: 80, outerPort: 30080, published: true },
          { innerPort: 443, outerPort: 443, published: true },
          { innerPort: 9000, published: true },
          { innerPort: 9100 },
        ],
      }),
    );
    expect(svc?.spec?.type).toBe('NodePort');
    expect(svc?.spec?.ports).toEqual([
      { name: 'tcp-80', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30080 },
      { name: 'tcp-443', protocol: 'TCP', port: 443, targetPort: 443 },
      { name: 'tcp-9000', protocol: 'TCP', port: 9000, targetPort: 9000 },
      { name: 'tcp-9100', protocol: 'TCP', port: 9100, targetPort: 9100 },
    ]);
  });

  it("follow the cluster's node port range when configured", () => {
    const ports = translateOne(service('web', { containerPorts: [{ innerPort: 80, outerPort: 8080, published: true }] }), {
      nodePortRange: { min: 8000, max: 9000 },
    }).service?.spec?.ports;
    expect(ports?.[0]?.nodePort).toBe(8080);
  });

  it('are LoadBalancers listening on the outer port, still reachable on the inner port inside the cluster', () => {
    const { service: svc } = translateOne(
      service('web', { containerPorts: [{ innerPort: 1440, outerPort: 80, published: true }] }),
      {
        publishMode: 'LoadBalancer',
      },
    );
    expect(svc?.spec?.type).toBe('LoadBalancer');
    expect(svc?.spec?.ports).toEqual([
      { name: 'tcp-80', protocol: 'TCP', port: 80, targetPort: 1440 },
      { name: 'tcp-1440', protocol: 'TCP', port: 1440, targetPort: 1440 },
    ]);
  });

  it('refuse a port that would lead to two container ports, and an outer port published twice', () => {
    const lb = translate(
      stack([service('web', { containerPorts: [{ innerPort: 80, outerPort: 8080, published: true }, { innerPort: 8080 }] })]),
      { publishMode: 'LoadBalancer' },
    );
    expect(lb.problems.map((p) => p.field)).toEqual(['containerPorts[1].outerPort']);
    const np = translate(
      stack([
        service('web', {
          containerPorts: [
            { innerPort: 80, outerPort: 30001, published: true },
            { innerPort: 81, outerPort: 30001, published: true },
          ],
        }),
      ]),
    );
    expect(np.problems).toEqual([
      {
        service: 'web',
        field: 'containerPorts[1].outerPort',
        message: 'outer port 30001/tcp is already published for containerPorts[0]',
      },
    ]);
  });

  it('must be recreated when they gain their first port or lose their last one (clusterIP cannot change)', () => {
    const headless = translateOne(service('web')).service;
    const withPort = translateOne(service('web', { containerPorts: [{ innerPort: 80 }] })).service;
    if (headless === undefined || withPort === undefined) throw new Error('no Service');
    expect(serviceNeedsRecreate({ spec: { clusterIP: 'None' } }, withPort)).toBe(true);
    expect(serviceNeedsRecreate({ spec: { clusterIP: '10.0.0.7' } }, headless)).toBe(true);
    expect(serviceNeedsRecreate({ spec: { clusterIP: '10.0.0.7' } }, withPort)).toBe(false);
    expect(serviceNeedsRecreate({ spec: { clusterIP: 'None' } }, headless)).toBe(false);
  });
});
