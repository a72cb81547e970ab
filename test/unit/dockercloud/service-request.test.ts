import { describe, expect, it } from 'vitest';
import { servicesFromRequest } from '../../../src/dockercloud/service-request.ts';
import { formatFieldErrors } from '../../../src/model/errors.ts';
import type { ServiceSpec } from '../../../src/model/stack.ts';

/** Services that links and volumes_from in the tests below may name. */
const SIBLINGS = ['db', 'cache', 'data'].map((name) => ({ name, image: 'busybox' }));

/** The service `body` converts to (with name "web" and image "nginx" unless given), among SIBLINGS. */
function convertOne(body: Record<string, unknown>): ServiceSpec {
  const result = servicesFromRequest([{ name: 'web', image: 'nginx', ...body }, ...SIBLINGS]);
  if (!result.ok) throw new Error(formatFieldErrors(result.errors));
  return result.value[0]!;
}

/** The errors, as `field: message` lines, for services that must be refused. */
function refusal(services: unknown): string[] {
  const result = servicesFromRequest(services);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.value)}`);
  return result.errors.map((e) => `${e.field}: ${e.message}`);
}

describe('the bodies the real clients send', () => {
  it('converts the docker-cloud CLI body from clients.md (stack-file keys)', () => {
    const body = {
      name: 'mystack',
      services: [
        {
          image: 'nginx',
          links: ['db:database'],
          ports: ['80:80'],
          environment: ['FOO=bar'],
          target_num_containers: 2,
          restart: 'always',
          volumes_from: ['db'],
          name: 'web',
        },
        { image: 'redis', environment: { PASS: 'secret', N: 5 }, volumes: ['/data', '/etc:/etc:ro'], name: 'db' },
      ],
    };
    expect(servicesFromRequest(body.services)).toEqual({
      ok: true,
      value: [
        {
          name: 'web',
          image: 'nginx',
          targetNumContainers: 2,
          containerPorts: [{ innerPort: 80, outerPort: 80, published: true }],
          containerEnvvars: [{ key: 'FOO', value: 'bar' }],
          linkedToService: [{ toService: 'db', name: 'database' }],
          bindings: [{ volumesFrom: 'db' }],
          autorestart: 'ALWAYS',
        },
        {
          name: 'db',
          image: 'redis',
          containerEnvvars: [
            { key: 'PASS', value: 'secret' },
            { key: 'N', value: '5' },
          ],
          bindings: [{ containerPath: '/data' }, { hostPath: '/etc', containerPath: '/etc', rewritable: false }],
        },
      ],
    });
  });

  it('converts the create example of the API documentation (API fields)', () => {
    const services = [
      {
        name: 'hello-word',
        image: 'tutum/hello-world',
        target_num_containers: 2,
        linked_to_service: [{ to_service: 'database', name: 'DB' }],
      },
      { name: 'database', image: 'tutum/mysql' },
    ];
    expect(servicesFromRequest(services)).toEqual({
      ok: true,
      value: [
        {
          name: 'hello-word',
          image: 'tutum/hello-world',
          targetNumContainers: 2,
          linkedToService: [{ toService: 'database', name: 'DB' }],
        },
        { name: 'database', image: 'tutum/mysql' },
      ],
    });
  });

  it("reads the Go client's zero values as not given", () => {
    const svc = convertOne({
      container_ports: [{ container: '', inner_port: 80, outer_port: 0, protocol: 'tcp' }],
      linked_to_service: [{ name: '', to_service: 'db' }],
      bindings: [{ host_path: '', container_path: '/data', rewritable: true }],
    });
    expect(svc.containerPorts).toEqual([{ innerPort: 80, protocol: 'tcp' }]);
    expect(svc.linkedToService).toEqual([{ toService: 'db' }]);
    expect(svc.bindings).toEqual([{ containerPath: '/data', rewritable: true }]);
  });

  it('treats absent or null services as no services', () => {
    expect(servicesFromRequest(undefined)).toEqual({ ok: true, value: [] });
    expect(servicesFromRequest(null)).toEqual({ ok: true, value: [] });
  });
});

describe('stack-file keys, one by one', () => {
  it.each<[string, Record<string, unknown>, Partial<ServiceSpec>]>([
    ['command as a string', { command: 'npm start' }, { runCommand: 'npm start' }],
    [
      'command as a list, quoted for the shell',
      { command: ['sh', '-c', "echo 'hi' there"] },
      { runCommand: `sh -c 'echo '"'"'hi'"'"' there'` },
    ],
    ['entrypoint as a list', { entrypoint: ['/bin/sh', '-c'] }, { entrypoint: '/bin/sh -c' }],
    [
      'a published port with a host port',
      { ports: ['8080:80'] },
      { containerPorts: [{ innerPort: 80, outerPort: 8080, published: true }] },
    ],
    ['a published port without a host port', { ports: ['80'] }, { containerPorts: [{ innerPort: 80, published: true }] }],
    [
      'one container port on two host ports',
      { ports: ['80:80', '8080:80'] },
      {
        containerPorts: [
          { innerPort: 80, outerPort: 80, published: true },
          { innerPort: 80, outerPort: 8080, published: true },
        ],
      },
    ],
    [
      'devices of a privileged container, each at its own path (it sees them all already)',
      { privileged: true, devices: ['/dev/fuse', '/dev/net/tun:/dev/net/tun:rwm'] },
      { privileged: true },
    ],
    [
      'a UDP port',
      { ports: ['500/udp', '4500:4500/udp'] },
      {
        containerPorts: [
          { innerPort: 500, protocol: 'udp', published: true },
          { innerPort: 4500, outerPort: 4500, protocol: 'udp', published: true },
        ],
      },
    ],
    [
      'a port as PyYAML hands an unquoted number over',
      { ports: [8080] },
      { containerPorts: [{ innerPort: 8080, published: true }] },
    ],
    [
      'an exposed port',
      { expose: ['80', '90/udp', 3000] },
      {
        containerPorts: [{ innerPort: 80 }, { innerPort: 90, protocol: 'udp' }, { innerPort: 3000 }],
      },
    ],
    [
      'ports before exposed ports, an exposed port that is published once',
      { expose: ['80', '81'], ports: ['8080:80'] },
      {
        containerPorts: [{ innerPort: 80, outerPort: 8080, published: true }, { innerPort: 81 }],
      },
    ],
    [
      'environment as a list, with "=" in a value and a bare name',
      { environment: ['A=1', 'B=x=y', 'C'] },
      {
        containerEnvvars: [
          { key: 'A', value: '1' },
          { key: 'B', value: 'x=y' },
          { key: 'C', value: '' },
        ],
      },
    ],
    [
      'environment as a mapping with typed values',
      { environment: { N: 5, F: 1.5, T: true, OFF: false, NONE: null } },
      {
        containerEnvvars: [
          { key: 'N', value: '5' },
          { key: 'F', value: '1.5' },
          { key: 'T', value: 'True' },
          { key: 'OFF', value: 'False' },
          { key: 'NONE', value: '' },
        ],
      },
    ],
    [
      'a variable set twice: the later value, at the first position',
      { environment: ['A=1', 'B=2', 'A=3'] },
      {
        containerEnvvars: [
          { key: 'A', value: '3' },
          { key: 'B', value: '2' },
        ],
      },
    ],
    [
      'links with and without alias',
      { links: ['db', 'cache:redis'] },
      {
        linkedToService: [{ toService: 'db' }, { toService: 'cache', name: 'redis' }],
      },
    ],
    [
      'volumes of every form',
      { volumes: ['/data', '/host:/ctr', '/host:/ro:ro', '/h:/rw:rw', '/anon:ro'] },
      {
        bindings: [
          { containerPath: '/data' },
          { hostPath: '/host', containerPath: '/ctr' },
          { hostPath: '/host', containerPath: '/ro', rewritable: false },
          { hostPath: '/h', containerPath: '/rw', rewritable: true },
          { containerPath: '/anon', rewritable: false },
        ],
      },
    ],
    [
      'volumes_from with modes, after volumes',
      { volumes_from: ['db', 'cache:ro', 'data:rw'], volumes: ['/v'] },
      {
        bindings: [
          { containerPath: '/v' },
          { volumesFrom: 'db' },
          { volumesFrom: 'cache', rewritable: false },
          { volumesFrom: 'data', rewritable: true },
        ],
      },
    ],
    ['restart always', { restart: 'always' }, { autorestart: 'ALWAYS' }],
    ['restart on-failure', { restart: 'on-failure' }, { autorestart: 'ON_FAILURE' }],
    ['restart no as PyYAML hands it over', { restart: false }, { autorestart: 'OFF' }],
    ['restart "no" as YAML 1.2 reads it', { restart: 'no' }, { autorestart: 'OFF' }],
    ['legacy autorestart in either spelling', { autorestart: 'ALWAYS' }, { autorestart: 'ALWAYS' }],
    ['legacy autorestart on-failure', { autorestart: 'on-failure' }, { autorestart: 'ON_FAILURE' }],
    ['autodestroy no as PyYAML hands it over', { autodestroy: false }, { autodestroy: 'OFF' }],
    ['autodestroy on-success', { autodestroy: 'on-success' }, { autodestroy: 'ON_SUCCESS' }],
    [
      'deployment_strategy in lower case',
      { deployment_strategy: 'high_availability' },
      { deploymentStrategy: 'HIGH_AVAILABILITY' },
    ],
    ['mem_limit with units', { mem_limit: '512mb' }, { memory: 512 }],
    ['mem_limit in gigabytes', { mem_limit: '2g' }, { memory: 2048 }],
    ['mem_limit as a number of bytes', { mem_limit: 268435456 }, { memory: 256 }],
    ['cpu_shares', { cpu_shares: 512 }, { cpuShares: 512 }],
    [
      'booleans, also as YAML 1.1 words',
      { privileged: true, tty: 'yes', stdin_open: 'off', read_only: false },
      {
        privileged: true,
        tty: true,
        stdinOpen: false,
        readOnly: false,
      },
    ],
    [
      'sequential_deployment, autoredeploy',
      { sequential_deployment: true, autoredeploy: false },
      { sequentialDeployment: true, autoredeploy: false },
    ],
    ['target_num_containers as a string of digits', { target_num_containers: '3' }, { targetNumContainers: 3 }],
    [
      'working_dir, net, pid, hostname, user',
      { working_dir: '/app', net: 'host', pid: 'host', hostname: 'box', user: 1000 },
      {
        workingDir: '/app',
        net: 'host',
        pid: 'host',
        hostname: 'box',
        user: '1000',
      },
    ],
    ['tags and roles', { tags: ['web', 'prod'], roles: ['global'] }, { tags: ['web', 'prod'], roles: ['global'] }],
    [
      'capabilities in any case, with or without CAP_',
      { cap_add: ['sys_admin', 'CAP_NET_ADMIN'], cap_drop: ['MKNOD'] },
      {
        capAdd: ['SYS_ADMIN', 'NET_ADMIN'],
        capDrop: ['MKNOD'],
      },
    ],
    [
      'dns and dns_search as one string or a list',
      { dns: '8.8.8.8', dns_search: ['a.example', 'b.example'] },
      {
        dns: ['8.8.8.8'],
        dnsSearch: ['a.example', 'b.example'],
      },
    ],
    ['extra_hosts as a list', { extra_hosts: ['db:10.0.0.1'] }, { extraHosts: ['db:10.0.0.1'] }],
    ['extra_hosts as a mapping', { extra_hosts: { db: '10.0.0.1' } }, { extraHosts: ['db:10.0.0.1'] }],
    ['labels as a list', { labels: ['a=1', 'flag'] }, { labels: { a: '1', flag: '' } }],
    ['labels as a mapping', { labels: { 'com.example.n': 1 } }, { labels: { 'com.example.n': '1' } }],
    ['empty lists as nothing', { ports: [], environment: [], tags: [] }, {}],
    ['keys given no value as keys not given', { command: null, ports: null }, {}],
  ])('%s', (_title, body, expected) => {
    expect(convertOne(body)).toEqual({ name: 'web', image: 'nginx', ...expected });
  });
});

describe('API fields, one by one', () => {
  it.each<[string, Record<string, unknown>, Partial<ServiceSpec>]>([
    [
      'run_command and entrypoint',
      { run_command: 'npm start', entrypoint: '/bin/sh -c' },
      { runCommand: 'npm start', entrypoint: '/bin/sh -c' },
    ],
    [
      'container_ports, published or not',
      {
        container_ports: [
          { protocol: 'tcp', inner_port: 80, outer_port: 8080, published: true },
          { protocol: 'udp', inner_port: 53, published: false },
        ],
      },
      {
        containerPorts: [
          { protocol: 'tcp', innerPort: 80, outerPort: 8080, published: true },
          { protocol: 'udp', innerPort: 53 },
        ],
      },
    ],
    [
      'an outer port alone as a published port (the Go client cannot send published)',
      {
        container_ports: [{ inner_port: 80, outer_port: 8080 }],
      },
      { containerPorts: [{ innerPort: 80, outerPort: 8080, published: true }] },
    ],
    [
      'port numbers as strings, as the Python CLI sends them',
      { container_ports: [{ inner_port: '80', published: true }] },
      {
        containerPorts: [{ innerPort: 80, published: true }],
      },
    ],
    [
      'container_envvars',
      {
        container_envvars: [
          { key: 'A', value: '1' },
          { key: 'B', value: null },
        ],
      },
      {
        containerEnvvars: [
          { key: 'A', value: '1' },
          { key: 'B', value: '' },
        ],
      },
    ],
    [
      'linked_to_service',
      { linked_to_service: [{ to_service: 'db', name: 'DB' }] },
      { linkedToService: [{ toService: 'db', name: 'DB' }] },
    ],
    [
      'bindings',
      {
        bindings: [{ host_path: '/h', container_path: '/c', rewritable: false }, { volumes_from: 'db' }],
      },
      {
        bindings: [{ hostPath: '/h', containerPath: '/c', rewritable: false }, { volumesFrom: 'db' }],
      },
    ],
    [
      'autorestart, autodestroy, deployment_strategy',
      { autorestart: 'ON_FAILURE', autodestroy: 'ALWAYS', deployment_strategy: 'EVERY_NODE' },
      {
        autorestart: 'ON_FAILURE',
        autodestroy: 'ALWAYS',
        deploymentStrategy: 'EVERY_NODE',
      },
    ],
    ['memory in MB, cpu_shares', { memory: 256, cpu_shares: 1024 }, { memory: 256, cpuShares: 1024 }],
    ['tags as strings or as GET returns them', { tags: ['a', { name: 'b' }] }, { tags: ['a', 'b'] }],
    [
      'net, pid, working_dir, privileged',
      { net: 'bridge', pid: 'none', working_dir: '/', privileged: false },
      {
        net: 'bridge',
        pid: 'none',
        workingDir: '/',
        privileged: false,
      },
    ],
  ])('%s', (_title, body, expected) => {
    expect(convertOne(body)).toEqual({ name: 'web', image: 'nginx', ...expected });
  });
});

describe('service names', () => {
  it('folds upper case consistently in names, links and volumes_from', () => {
    const result = servicesFromRequest([
      { name: 'pieTracker', image: 'a', links: ['MariaDB:db'], volumes_from: ['MariaDB'] },
      { name: 'MariaDB', image: 'mariadb' },
    ]);
    expect(result).toEqual({
      ok: true,
      value: [
        {
          name: 'pietracker',
          image: 'a',
          linkedToService: [{ toService: 'mariadb', name: 'db' }],
          bindings: [{ volumesFrom: 'mariadb' }],
        },
        { name: 'mariadb', image: 'mariadb' },
      ],
    });
  });

  it('refuses a name that is no DNS-1123 label even in lower case, suggesting one', () => {
    expect(refusal([{ name: 'my_db', image: 'mysql' }])).toEqual([
      'services[0] (my_db).name: "my_db" is not a valid service name: Kubernetes needs a DNS-1123 label (at most 63 letters, digits and "-", starting and ending with a letter or digit); rename it, for example to "my-db"',
    ]);
  });

  it("takes Docker Cloud's default name from the image", () => {
    expect(servicesFromRequest([{ image: 'registry.example.com:5000/tutum/hello-world:latest' }])).toEqual({
      ok: true,
      value: [{ name: 'hello-world', image: 'registry.example.com:5000/tutum/hello-world:latest' }],
    });
  });

  it('refuses two services whose names fold to the same name', () => {
    expect(
      refusal([
        { name: 'Web', image: 'a' },
        { name: 'web', image: 'b' },
      ]),
    ).toEqual(['services[1] (web).name: duplicate service name "web": service names must be unique in a stack']);
  });
});

describe('refusals name the service and the key as the client wrote them', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'a key Kubernetes cannot honour',
      { cpuset: '0,1' },
      ['services[0] (web): "cpuset" is not supported: Kubernetes has no per-container CPU pinning'],
    ],
    [
      'a compose v2 key',
      { depends_on: ['db'] },
      [
        'services[0] (web): "depends_on" is not supported: a key of Compose file format 2 or later; Docker Cloud stack files are the flat version-1 format',
      ],
    ],
    ['a misspelt key', { envorinment: ['A=1'] }, ['services[0] (web): unknown key "envorinment" (did you mean "environment"?)']],
    ['an unknown key with no likely meaning', { flux_capacitor: 1 }, ['services[0] (web): unknown key "flux_capacitor"']],
    [
      'two keys for one setting',
      { ports: ['80'], container_ports: [{ inner_port: 81 }] },
      ['services[0] (web): "ports" and "container_ports" both set containerPorts: give only one of them'],
    ],
    [
      'restart and legacy autorestart together',
      { restart: 'always', autorestart: 'always' },
      ['services[0] (web): "restart" and "autorestart" both set autorestart: give only one of them'],
    ],
    [
      'a port that is not one',
      { ports: ['80', 'http'] },
      ['services[0] (web).ports[1]: "http" is not a port: use "80", "8080:80" or "500/udp"'],
    ],
    [
      'a port out of range',
      { ports: ['70000:80'] },
      ['services[0] (web).ports[0]: host port 70000 is not a port number (1-65535)'],
    ],
    [
      'a port bound to one host address',
      { ports: ['127.0.0.1:80:80'] },
      [
        'services[0] (web).ports[0]: "127.0.0.1:80:80": publishing on one host address is not supported (Kubernetes publishes a port on every node); use "host_port:container_port"',
      ],
    ],
    [
      'a port range',
      { ports: ['8000-8010:8000-8010'] },
      ['services[0] (web).ports[0]: "8000-8010:8000-8010": port ranges are not supported; list each port'],
    ],
    [
      'an SCTP port',
      { ports: ['80/sctp'] },
      ['services[0] (web).ports[0]: "80/sctp": protocol "sctp" is not supported; use tcp or udp'],
    ],
    [
      'a host port in expose',
      { expose: ['80:80'] },
      [
        'services[0] (web).expose[0]: "80:80": expose takes a container port only ("80" or "90/udp"); publish a host port with ports',
      ],
    ],
    [
      'a container port published twice on one host port',
      { ports: ['80:1440', '80:1440'] },
      ['services[0] (web).ports[1]: port 1440/tcp is listed twice with outer port 80'],
    ],
    [
      'devices without privileged',
      { devices: ['/dev/fuse'] },
      [
        'services[0] (web).devices: is not supported without "privileged: true": Kubernetes has no per-container device mapping; a privileged container (in a namespace whose Pod Security level is privileged) sees every device of its node',
      ],
    ],
    [
      'a device renamed',
      { privileged: true, devices: ['/dev/fuse', '/dev/sda:/dev/xvda:rw'] },
      [
        'services[0] (web).devices[1]: "/dev/sda:/dev/xvda:rw": a device cannot be renamed (Kubernetes has no device mapping; a privileged container sees /dev/sda at /dev/sda); map it to its own path',
      ],
    ],
    [
      'a named volume',
      { volumes: ['db_data:/var/lib/mysql'] },
      [
        `services[0] (web).volumes[0]: "db_data:/var/lib/mysql": named volumes ("db_data") are not supported; give an absolute host path, or only the container path for a volume of the service's own`,
      ],
    ],
    [
      'a relative host path',
      { volumes: ['./data:/data'] },
      ['services[0] (web).volumes[0]: "./data:/data": the host path must be absolute'],
    ],
    [
      'a volume mode other than ro and rw',
      { volumes: ['/a:/b:z'] },
      ['services[0] (web).volumes[0]: "/a:/b:z": mode "z" is not supported; use ro or rw'],
    ],
    [
      'a relative container path',
      { volumes: ['data'] },
      ['services[0] (web).volumes[0]: "data": the container path must be absolute'],
    ],
    [
      'a link to a service and a stack, with more than one dot',
      { links: ['redis.cache.other:redis'] },
      [
        'services[0] (web).links[0]: links to "redis.cache.other": name a service as "service" or "service.stack" (one dot at most)',
      ],
    ],
    [
      'volumes_from another stack',
      { volumes_from: ['data.other'] },
      [
        'services[0] (web).volumes_from[0]: takes volumes from service "data" of stack "other": volumes are not shared across stacks (a stack\'s volumes are claims it owns, mounted on one node, removed with it); put both services in one stack',
      ],
    ],
    [
      'a restart policy with an underscore',
      { restart: 'on_failure' },
      [
        'services[0] (web).restart: "on_failure" is not a restart policy: use no, on-failure or always (did you mean on-failure?)',
      ],
    ],
    [
      'a retry limit beyond the maximum',
      { restart: 'on-failure:5000000' },
      ['services[0] (web).restart: "on-failure:5000000": at most 1000000 retries'],
    ],
    [
      'a retry limit without autorestart ON_FAILURE',
      { autorestart: 'OFF', autorestart_retries: 3 },
      [
        'services[0] (web).autorestart_retries: a retry limit needs autorestart ON_FAILURE (only a failed container is started again)',
      ],
    ],
    [
      'a memory size of bytes that is too small',
      { mem_limit: 512 },
      ['services[0] (web).mem_limit: 512 is below the 4 MB minimum (a bare number is bytes; did you mean "512m"?)'],
    ],
    [
      'a memory size that is no whole number of MB',
      { mem_limit: '4500k' },
      ['services[0] (web).mem_limit: "4500k" is not a whole number of megabytes (Longshore keeps memory limits in MB)'],
    ],
    [
      'an unsupported network mode',
      { net: 'none' },
      ['services[0] (web).net: "none" is not supported: a pod always has a network interface in Kubernetes; use bridge or host'],
    ],
    ['a boolean that is not one', { privileged: 'maybe' }, ['services[0] (web).privileged: must be true or false, not "maybe"']],
    [
      'an environment of the wrong type',
      { environment: 'A=1' },
      ['services[0] (web).environment: must be a list of "KEY=VALUE" or a mapping of names to values, not a string ("A=1")'],
    ],
    [
      'a variable without a name',
      { environment: ['=x'] },
      ['services[0] (web).environment[0]: a variable needs a name before "="'],
    ],
    [
      'a user name, which Kubernetes cannot run as',
      { user: 'www-data' },
      ['services[0] (web).user: must be a numeric "uid" or "uid:gid" (Kubernetes cannot run as a user name)'],
    ],
    [
      'an image with white space',
      { image: 'nginx latest' },
      ['services[0] (web).image: must not contain white space or control characters'],
    ],
    [
      'an unpublished API port with an outer port',
      { container_ports: [{ inner_port: 80, outer_port: 8080, published: false }] },
      [
        'services[0] (web).container_ports[0].outer_port: an outer port needs a published port: set published to true, or drop outer_port',
      ],
    ],
    [
      'an unknown field in an API item',
      { container_ports: [{ inner_port: 80, port_name: 'http' }] },
      ['services[0] (web).container_ports[0].port_name: unknown field "port_name"'],
    ],
    [
      'a binding with neither container path nor volumes_from',
      { bindings: [{ host_path: '/h' }] },
      ['services[0] (web).bindings[0]: a binding needs containerPath or volumesFrom'],
    ],
    [
      'a link given as a resource URI',
      { linked_to_service: [{ to_service: '/api/app/v1/service/abc/' }] },
      [
        'services[0] (web).linked_to_service[0].to_service: links to "/api/app/v1/service/abc/", a resource URI: name the service instead ("db", or "db.stack")',
      ],
    ],
    [
      'an invalid link alias',
      { links: ['web:-x'] },
      ['services[0] (web).links[0]: alias: must be letters, digits, "_" or "-", starting and ending with a letter or digit'],
    ],
  ])('%s', (_title, body, expected) => {
    expect(refusal([{ name: 'web', image: 'nginx', ...body }])).toEqual(expected);
  });

  it('reports every problem of every service at once', () => {
    expect(
      refusal([
        { name: 'a', image: 'x', ports: ['bad'], cpuset: '0' },
        { name: 'b', links: ['no_where'] },
      ]),
    ).toEqual([
      'services[0] (a).ports[0]: "bad" is not a port: use "80", "8080:80" or "500/udp"',
      'services[0] (a): "cpuset" is not supported: Kubernetes has no per-container CPU pinning',
      'services[1] (b).links[0]: links to "no_where": "no_where" is not a valid service name: Kubernetes needs a DNS-1123 label (at most 63 letters, digits and "-", starting and ending with a letter or digit); rename it, for example to "no-where"',
      'services[1] (b).image: is required',
    ]);
  });

  it('refuses what is not a list of services', () => {
    expect(refusal({ web: { image: 'nginx' } })).toEqual(['services: must be a list of services, not a mapping']);
    expect(refusal(['nginx'])).toEqual(['services[0]: must be a mapping of keys to values (a service), not a string ("nginx")']);
  });

  it('refuses more services than a stack may have', () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `s${i}`, image: 'x' }));
    expect(refusal(many)).toEqual(['services: a stack has at most 100 services, not 101']);
  });

  it('never throws on values of any type', () => {
    const odd = [0, -1, 1.5, '', 'x', true, null, [], [null], {}, { a: 1 }, [['nested']], [{ name: 1 }]];
    const keys = [
      'name',
      'image',
      'command',
      'ports',
      'expose',
      'environment',
      'links',
      'volumes',
      'volumes_from',
      'restart',
      'mem_limit',
      'labels',
      'extra_hosts',
      'dns',
      'cap_add',
      'user',
      'tags',
      'container_ports',
      'container_envvars',
      'linked_to_service',
      'bindings',
      'autodestroy',
      'deployment_strategy',
      'net',
      'pid',
      'memory',
      'target_num_containers',
      'privileged',
    ];
    for (const key of keys) {
      for (const value of odd) {
        const result = servicesFromRequest([{ name: 'web', image: 'nginx', [key]: value }]);
        if (!result.ok) for (const e of result.errors) expect(e.field).toMatch(/^services\[0\]/);
      }
    }
  });
});
