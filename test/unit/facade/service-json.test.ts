// A service's container_ports as Docker Cloud showed them: outer_port is where the port is
// reachable (the node port the cluster allocated), not merely the one asked for.
import { describe, expect, it } from 'vitest';
import { serviceToJson } from '../../../src/facade/service-json.ts';
import type { ServiceSpec, Stack } from '../../../src/model/stack.ts';

const web: ServiceSpec = {
  name: 'web',
  image: 'nginx',
  containerPorts: [
    { innerPort: 80, outerPort: 80, published: true },
    { innerPort: 80, outerPort: 8080, published: true },
    { innerPort: 443, published: true },
    { innerPort: 9000 },
  ],
};

const stack = (status: Stack['status']): Stack => ({
  apiVersion: 'longshore.io/v1alpha1',
  kind: 'Stack',
  metadata: { name: 'shop', namespace: 'ns', uid: 'u1' },
  spec: { services: [web] },
  ...(status !== undefined && { status }),
});

const running = (publishedPorts: NonNullable<NonNullable<Stack['status']>['services']>[number]['publishedPorts']) =>
  stack({
    services: [{ name: 'web', state: 'Running', targetContainers: 1, currentContainers: 1, readyContainers: 1, publishedPorts }],
  });

describe('container_ports in the service JSON', () => {
  it('shows the node ports the cluster allocated as outer_port', () => {
    const json = serviceToJson(
      running([
        { protocol: 'tcp', innerPort: 80, requestedOuterPort: 80, outerPort: 31080, via: 'NodePort', message: 'moved' },
        { protocol: 'tcp', innerPort: 80, requestedOuterPort: 8080, outerPort: 31081, via: 'NodePort', message: 'moved' },
        { protocol: 'tcp', innerPort: 443, outerPort: 32443, via: 'NodePort' },
      ]),
      web,
    );
    expect(json['container_ports']).toEqual([
      { protocol: 'tcp', inner_port: 80, outer_port: 31080, published: true, endpoint_uri: null },
      { protocol: 'tcp', inner_port: 80, outer_port: 31081, published: true, endpoint_uri: null },
      { protocol: 'tcp', inner_port: 443, outer_port: 32443, published: true, endpoint_uri: null },
      { protocol: 'tcp', inner_port: 9000, outer_port: null, published: false, endpoint_uri: null },
    ]);
  });

  it("gives a balancer's address as endpoint_uri", () => {
    const json = serviceToJson(
      running([
        { protocol: 'tcp', innerPort: 80, requestedOuterPort: 80, outerPort: 80, via: 'LoadBalancer', address: '192.0.2.7' },
      ]),
      web,
    );
    expect((json['container_ports'] as unknown[])[0]).toEqual({
      protocol: 'tcp',
      inner_port: 80,
      outer_port: 80,
      published: true,
      endpoint_uri: 'tcp://192.0.2.7:80/',
    });
  });

  it('shows the requested outer port before the cluster reports one (dynamic ones as null)', () => {
    const ports = serviceToJson(stack(undefined), web)['container_ports'] as { outer_port: unknown }[];
    expect(ports.map((p) => p.outer_port)).toEqual([80, 8080, null, null]);
  });
});
