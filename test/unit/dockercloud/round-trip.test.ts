// Specs out (export, GET) and back in (create, update) unchanged, for every field.
import { describe, expect, it } from 'vitest';
import { serviceToApi } from '../../../src/dockercloud/api-fields.ts';
import { servicesFromRequest } from '../../../src/dockercloud/service-request.ts';
import { serviceToStackFile, stackToStackFile } from '../../../src/dockercloud/stackfile-keys.ts';
import { ServiceSpec, type StackSpec } from '../../../src/model/stack.ts';

/** Every field of ServiceSpec set, in the canonical form servicesFromRequest produces. */
const EVERY_FIELD: ServiceSpec = {
  name: 'web',
  image: 'registry.example.com/team/web:1.2',
  targetNumContainers: 3,
  runCommand: `sh -c 'echo "hi" && exec nginx'`,
  entrypoint: '/docker-entrypoint.sh',
  containerPorts: [
    { innerPort: 80, outerPort: 8080, published: true },
    { innerPort: 443, published: true },
    { innerPort: 53, outerPort: 53, protocol: 'udp', published: true },
    { innerPort: 9000 },
    { innerPort: 9001, protocol: 'tcp' },
    { innerPort: 5353, protocol: 'udp' },
  ],
  containerEnvvars: [
    { key: 'PLAIN', value: 'value' },
    { key: 'EMPTY', value: '' },
    { key: 'EQUALS', value: 'a=b=c' },
    { key: 'MULTILINE', value: '-----BEGIN-----\nabc\n-----END-----\n' },
    { key: 'lower_case', value: ' leading space' },
  ],
  linkedToService: [{ toService: 'db' }, { toService: 'cache', name: 'redis_alias' }],
  bindings: [
    { containerPath: '/anon' },
    { containerPath: '/anon-ro', rewritable: false },
    { hostPath: '/etc/ssl', containerPath: '/ssl', rewritable: false },
    { hostPath: '/srv', containerPath: '/srv', rewritable: true },
    { hostPath: '/var/run/docker.sock', containerPath: '/var/run/docker.sock' },
    { volumesFrom: 'db' },
    { volumesFrom: 'cache', rewritable: false },
    { volumesFrom: 'db', rewritable: true },
  ],
  autorestart: 'ON_FAILURE',
  autorestartRetries: 5,
  autodestroy: 'ON_SUCCESS',
  deploymentStrategy: 'HIGH_AVAILABILITY',
  sequentialDeployment: true,
  privileged: false,
  workingDir: '/app',
  memory: 512,
  cpuShares: 256,
  net: 'host',
  pid: 'host',
  tags: ['web', 'prod'],
  roles: ['global'],
  autoredeploy: true,
  capAdd: ['NET_ADMIN', 'SYS_TIME'],
  capDrop: ['MKNOD'],
  dns: ['8.8.8.8', '1.1.1.1'],
  dnsSearch: ['example.com'],
  extraHosts: ['db.local:10.0.0.2'],
  labels: { 'com.example.team': 'web', flag: '' },
  user: '1000:1000',
  hostname: 'web-1',
  readOnly: true,
  stdinOpen: false,
  tty: true,
};

const SIBLINGS: ServiceSpec[] = [
  {
    name: 'db',
    image: 'postgres',
    autorestart: 'OFF',
    autodestroy: 'OFF',
    deploymentStrategy: 'EVERY_NODE',
    pid: 'none',
    net: 'bridge',
  },
  {
    name: 'cache',
    image: 'redis',
    autorestart: 'ALWAYS',
    autodestroy: 'ALWAYS',
    deploymentStrategy: 'EMPTIEST_NODE',
    memory: 4096,
  },
];

const STACK: StackSpec = { services: [EVERY_FIELD, ...SIBLINGS] };

/** As a client would get it: JSON on the wire. */
const overTheWire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('round trips', () => {
  it('covers every field of ServiceSpec', () => {
    expect(Object.keys(EVERY_FIELD).sort()).toEqual(Object.keys(ServiceSpec.shape).sort());
    expect(ServiceSpec.array().parse(STACK.services)).toEqual(STACK.services);
  });

  it('export, then create with the exported file (as the docker-cloud CLI does), gives the same specs', () => {
    const exported = overTheWire(stackToStackFile(STACK));
    expect(Object.keys(exported)).toEqual(['web', 'db', 'cache']);
    const again = servicesFromRequest(Object.entries(exported).map(([name, body]) => ({ ...body, name })));
    expect(again).toEqual({ ok: true, value: STACK.services });
  });

  it('GET, then the same API fields sent back, gives the same specs', () => {
    expect(servicesFromRequest(overTheWire(STACK.services.map(serviceToApi)))).toEqual({ ok: true, value: STACK.services });
  });
});

describe('the exported stack file', () => {
  it("speaks the stack file's own keys and forms", () => {
    expect(serviceToStackFile(EVERY_FIELD)).toEqual({
      image: 'registry.example.com/team/web:1.2',
      target_num_containers: 3,
      command: `sh -c 'echo "hi" && exec nginx'`,
      entrypoint: '/docker-entrypoint.sh',
      ports: ['8080:80', '443', '53:53/udp'],
      expose: ['9000', '9001/tcp', '5353/udp'],
      environment: [
        'PLAIN=value',
        'EMPTY=',
        'EQUALS=a=b=c',
        'MULTILINE=-----BEGIN-----\nabc\n-----END-----\n',
        'lower_case= leading space',
      ],
      links: ['db', 'cache:redis_alias'],
      volumes: ['/anon', '/anon-ro:ro', '/etc/ssl:/ssl:ro', '/srv:/srv:rw', '/var/run/docker.sock:/var/run/docker.sock'],
      volumes_from: ['db', 'cache:ro', 'db:rw'],
      restart: 'on-failure:5',
      autodestroy: 'on-success',
      deployment_strategy: 'high_availability',
      sequential_deployment: true,
      privileged: false,
      working_dir: '/app',
      mem_limit: '512m',
      cpu_shares: 256,
      net: 'host',
      pid: 'host',
      tags: ['web', 'prod'],
      roles: ['global'],
      autoredeploy: true,
      cap_add: ['NET_ADMIN', 'SYS_TIME'],
      cap_drop: ['MKNOD'],
      dns: ['8.8.8.8', '1.1.1.1'],
      dns_search: ['example.com'],
      extra_hosts: ['db.local:10.0.0.2'],
      labels: { 'com.example.team': 'web', flag: '' },
      user: '1000:1000',
      hostname: 'web-1',
      read_only: true,
      stdin_open: false,
      tty: true,
    });
  });

  it('writes "no" for OFF, which reads back as OFF', () => {
    expect(serviceToStackFile(SIBLINGS[0]!)).toMatchObject({ restart: 'no', autodestroy: 'no' });
  });

  it('gives a hand-written spec back in canonical form', () => {
    const handWritten: ServiceSpec = {
      name: 'web',
      image: 'nginx',
      containerPorts: [
        { innerPort: 9000, outerPort: 9000 },
        { innerPort: 80, published: true },
        { innerPort: 81, published: false },
      ],
      bindings: [{ volumesFrom: 'web' }, { containerPath: '/data' }],
      tags: [],
    };
    const exported = overTheWire(stackToStackFile({ services: [handWritten] }));
    expect(servicesFromRequest(Object.entries(exported).map(([name, body]) => ({ ...body, name })))).toEqual({
      ok: true,
      value: [
        {
          name: 'web',
          image: 'nginx',
          // expose has no host port; an unpublished port's outerPort does not survive export.
          containerPorts: [{ innerPort: 80, published: true }, { innerPort: 9000 }, { innerPort: 81 }],
          bindings: [{ containerPath: '/data' }, { volumesFrom: 'web' }],
        },
      ],
    });
  });
});

describe('the API representation', () => {
  it('is snake_case, with tags as {name} objects and only what the spec holds', () => {
    expect(
      serviceToApi({
        name: 'web',
        image: 'nginx',
        containerPorts: [{ innerPort: 80, outerPort: 8080, published: true }],
        linkedToService: [{ toService: 'db', name: 'DB' }],
        bindings: [{ hostPath: '/h', containerPath: '/c', rewritable: false }],
        containerEnvvars: [{ key: 'A', value: '1' }],
        tags: ['x'],
        labels: { 'com.example.someLabel': 'v' },
        cpuShares: 512,
      }),
    ).toEqual({
      name: 'web',
      image: 'nginx',
      container_ports: [{ inner_port: 80, outer_port: 8080, published: true }],
      linked_to_service: [{ to_service: 'db', name: 'DB' }],
      bindings: [{ host_path: '/h', container_path: '/c', rewritable: false }],
      container_envvars: [{ key: 'A', value: '1' }],
      tags: [{ name: 'x' }],
      labels: { 'com.example.someLabel': 'v' },
      cpu_shares: 512,
    });
  });
});
