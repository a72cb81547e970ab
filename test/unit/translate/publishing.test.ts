// Published ports keep their numbers, or the user is told: the three publishing modes, one
// container port on two outer ports, and where each published port is reachable.
import { describe, expect, it } from 'vitest';
import { defaultTranslateOptions } from '../../../src/translate/options.ts';
import { portWarnings, publishedPorts } from '../../../src/translate/published-ports.ts';
import { service, stack, translate, translateOne } from './fixtures.ts';

const hostPort = { publishMode: 'HostPort' as const };
const nodePort = defaultTranslateOptions;

describe('one container port on two outer ports ("80:80" and "8080:80")', () => {
  const twice = service('web', {
    containerPorts: [
      { innerPort: 80, outerPort: 80, published: true },
      { innerPort: 80, outerPort: 8080, published: true },
    ],
  });

  it('gets two NodePort Service ports with one target', () => {
    const { service: svc, container } = translateOne(twice);
    expect(svc?.spec?.type).toBe('NodePort');
    expect(svc?.spec?.ports).toEqual([
      { name: 'tcp-80', protocol: 'TCP', port: 80, targetPort: 80 },
      { name: 'tcp-8080', protocol: 'TCP', port: 8080, targetPort: 80 },
    ]);
    // Server-side apply keys container ports by number and protocol: listed once.
    expect(container?.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
  });

  it('gets two balancer ports with one target', () => {
    const { service: svc } = translateOne(twice, { publishMode: 'LoadBalancer' });
    expect(svc?.spec?.ports?.map((p) => [p.port, p.targetPort])).toEqual([
      [80, 80],
      [8080, 80],
    ]);
  });

  it('keeps each node port in range, and takes a Service port of its own for the second one', () => {
    const { service: svc } = translateOne(
      service('web', {
        containerPorts: [
          { innerPort: 1440, outerPort: 30080, published: true },
          { innerPort: 1440, outerPort: 1440, published: true },
          { innerPort: 1440 },
        ],
      }),
    );
    expect(svc?.spec?.ports).toEqual([
      { name: 'tcp-1440', protocol: 'TCP', port: 1440, targetPort: 1440, nodePort: 30080 },
      { name: 'tcp-1441', protocol: 'TCP', port: 1441, targetPort: 1440 },
    ]);
  });

  it('is refused with host ports: a container port has one host port', () => {
    const t = translate(stack([twice]), hostPort, { podSecurityLevel: 'privileged' });
    expect(t.problems).toEqual([
      {
        service: 'web',
        field: 'containerPorts[1].outerPort',
        message:
          'container port 80/tcp is already published on host port 80 (containerPorts[0]); with host ports (LONGSHORE_PUBLISHED_SERVICE_TYPE=HostPort) a container port has one host port',
      },
    ]);
  });
});

describe('host ports (LONGSHORE_PUBLISHED_SERVICE_TYPE=HostPort)', () => {
  const web = service('web', {
    containerPorts: [
      { innerPort: 80, outerPort: 8000, published: true },
      { innerPort: 500, protocol: 'udp', published: true },
      { innerPort: 9000 },
    ],
  });

  it("publish on the node's own port, with a ClusterIP Service for siblings and a rollout that frees the port first", () => {
    const { container, service: svc, deployment } = translateOne(web, hostPort, [], { podSecurityLevel: 'privileged' });
    expect(container?.ports).toEqual([
      { containerPort: 80, protocol: 'TCP', hostPort: 8000 },
      { containerPort: 500, protocol: 'UDP', hostPort: 500 },
      { containerPort: 9000, protocol: 'TCP' },
    ]);
    expect(svc?.spec?.type).toBe('ClusterIP');
    expect(svc?.spec?.ports?.map((p) => p.port)).toEqual([80, 500, 9000]);
    expect(deployment?.spec?.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
  });

  it('are refused where the Pod Security level forbids them, naming the level and the remedy', () => {
    const t = translate(stack([web]), hostPort);
    expect(t.problems.map((p) => p.field)).toEqual(['containerPorts', 'containerPorts']);
    expect(t.problems[0]?.message).toMatch(
      /host ports are forbidden in namespace "team-a", whose Pod Security level is "baseline"/,
    );
    expect(t.problems[0]?.message).toMatch(/pod-security.kubernetes.io\/enforce=privileged/);
  });

  it('leave a service without published ports as it was', () => {
    const { container, deployment } = translateOne(service('db', { containerPorts: [{ innerPort: 5432 }] }), hostPort);
    expect(container?.ports).toEqual([{ containerPort: 5432, protocol: 'TCP' }]);
    expect(deployment?.spec?.strategy).toBeUndefined();
  });
});

describe('where published ports are reachable', () => {
  const svc = service('web', {
    containerPorts: [
      { innerPort: 80, outerPort: 80, published: true },
      { innerPort: 443, outerPort: 30443, published: true },
      { innerPort: 9000, published: true },
      { innerPort: 9100 },
    ],
  });

  it('NodePort: an outer port in range is kept; one outside is replaced by the allocated node port, and said so', () => {
    const observed = {
      ports: [
        { name: 'tcp-80', port: 80, nodePort: 31080 },
        { name: 'tcp-443', port: 443, nodePort: 30443 },
        { name: 'tcp-9000', port: 9000, nodePort: 32000 },
        { name: 'tcp-9100', port: 9100, nodePort: 32001 },
      ],
    };
    expect(publishedPorts(svc, nodePort, observed)).toEqual([
      {
        protocol: 'tcp',
        innerPort: 80,
        requestedOuterPort: 80,
        outerPort: 31080,
        via: 'NodePort',
        message:
          'outer port 80 lies outside the node port range 30000-32767: reachable on node port 31080 (LONGSHORE_PUBLISHED_SERVICE_TYPE=HostPort or LoadBalancer keeps it)',
      },
      { protocol: 'tcp', innerPort: 443, requestedOuterPort: 30443, outerPort: 30443, via: 'NodePort' },
      { protocol: 'tcp', innerPort: 9000, outerPort: 32000, via: 'NodePort' },
    ]);
  });

  it('NodePort, while the Service is not made: nothing is reachable yet', () => {
    expect(publishedPorts(svc, nodePort, { ports: [] }).map((p) => p.outerPort)).toEqual([undefined, undefined, undefined]);
  });

  it('NodePort, before the cluster allocated: the outer port is not known yet', () => {
    expect(publishedPorts(svc, nodePort)[0]).toMatchObject({ innerPort: 80, requestedOuterPort: 80 });
    expect(publishedPorts(svc, nodePort)[0]?.outerPort).toBeUndefined();
    expect(publishedPorts(svc, nodePort)[0]?.message).toMatch(/the cluster picks a node port/);
  });

  it("LoadBalancer and HostPort keep the outer port; the balancer's address is reported", () => {
    const balancer = {
      ports: [
        { name: 'tcp-80', port: 80 },
        { name: 'tcp-30443', port: 30443 },
        { name: 'tcp-9000', port: 9000 },
      ],
      address: '192.0.2.7',
    };
    const lb = publishedPorts(svc, { publishMode: 'LoadBalancer' }, balancer);
    expect(lb.map((p) => [p.outerPort, p.address, p.message])).toEqual([
      [80, '192.0.2.7', undefined],
      [30443, '192.0.2.7', undefined],
      [9000, '192.0.2.7', undefined],
    ]);
    expect(publishedPorts(svc, hostPort).map((p) => [p.outerPort, p.via, p.message])).toEqual([
      [80, 'HostPort', undefined],
      [30443, 'HostPort', undefined],
      [9000, 'HostPort', undefined],
    ]);
  });

  it("are convert's warnings when a requested outer port will not be kept", () => {
    const udp = service('vpn', {
      containerPorts: [
        { innerPort: 500, outerPort: 500, protocol: 'udp', published: true },
        { innerPort: 4500, outerPort: 4500, protocol: 'udp', published: true },
      ],
    });
    expect(portWarnings([svc, udp], nodePort).map((w) => `service "${w.service}": ${w.message}`)).toEqual([
      'service "web": port 80:80/tcp: outer port 80 lies outside the node port range 30000-32767: the cluster picks a node port (LONGSHORE_PUBLISHED_SERVICE_TYPE=HostPort or LoadBalancer keeps it)',
      'service "vpn": port 500:500/udp: outer port 500 lies outside the node port range 30000-32767: the cluster picks a node port (LONGSHORE_PUBLISHED_SERVICE_TYPE=HostPort or LoadBalancer keeps it)',
      'service "vpn": port 4500:4500/udp: outer port 4500 lies outside the node port range 30000-32767: the cluster picks a node port (LONGSHORE_PUBLISHED_SERVICE_TYPE=HostPort or LoadBalancer keeps it)',
    ]);
    expect(portWarnings([svc, udp], hostPort)).toEqual([]);
  });
});
