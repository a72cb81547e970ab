import { describe, expect, it } from 'vitest';
import type { ServiceObject } from '../../../src/translate/kube-object.ts';
import { linkEnvironment } from '../../../src/translate/links.ts';
import { dnsNames, envOf, pick, service, stack, translate, translateOne } from './fixtures.ts';

const db = service('database', {
  containerPorts: [
    { innerPort: 8080, protocol: 'tcp' },
    { innerPort: 5432, protocol: 'tcp' },
  ],
  containerEnvvars: [
    { key: 'POSTGRES_USER', value: 'shop' },
    { key: 'HOME', value: '/root' },
    { key: 'PATH', value: '/bin' },
    { key: 'POSTGRES_USER', value: 'admin' },
  ],
});

describe('link environment variables', () => {
  it('are exactly what Docker set for a two-port target, in Docker order, with the alias as address', () => {
    expect(linkEnvironment('web', 'DB', 'db', db)).toEqual([
      ['DB_PORT', 'tcp://db:5432'],
      ['DB_PORT_5432_TCP', 'tcp://db:5432'],
      ['DB_PORT_5432_TCP_ADDR', 'db'],
      ['DB_PORT_5432_TCP_PORT', '5432'],
      ['DB_PORT_5432_TCP_PROTO', 'tcp'],
      ['DB_PORT_8080_TCP', 'tcp://db:8080'],
      ['DB_PORT_8080_TCP_ADDR', 'db'],
      ['DB_PORT_8080_TCP_PORT', '8080'],
      ['DB_PORT_8080_TCP_PROTO', 'tcp'],
      ['DB_NAME', '/web/DB'],
      ['DB_ENV_POSTGRES_USER', 'admin'],
    ]);
  });

  it('pick the lowest port as ALIAS_PORT, tcp before udp on the same number', () => {
    const dns = service('dns', {
      containerPorts: [{ innerPort: 53, protocol: 'udp' }, { innerPort: 53, protocol: 'tcp' }, { innerPort: 953 }],
    });
    const env = linkEnvironment('app', 'resolver', 'resolver', dns);
    expect(env[0]).toEqual(['RESOLVER_PORT', 'tcp://resolver:53']);
    expect(env.map(([k]) => k)).toContain('RESOLVER_PORT_53_UDP_ADDR');
  });

  it("describe a run of three or more consecutive ports as a range, as Docker's links did", () => {
    const ftp = service('ftp', { containerPorts: [20, 21, 22].map((innerPort) => ({ innerPort })) });
    const env = new Map(linkEnvironment('app', 'ftp', 'ftp', ftp));
    expect(env.get('FTP_PORT_20_TCP_START')).toBe('tcp://ftp:20');
    expect(env.get('FTP_PORT_20_TCP_PORT_START')).toBe('20');
    expect(env.get('FTP_PORT_20_TCP_END')).toBe('tcp://ftp:22');
    expect(env.get('FTP_PORT_20_TCP_PORT_END')).toBe('22');
    expect(env.get('FTP_PORT_21_TCP')).toBe('tcp://ftp:21');
    const two = new Map(
      linkEnvironment('app', 'ftp', 'ftp', service('ftp', { containerPorts: [{ innerPort: 20 }, { innerPort: 21 }] })),
    );
    expect([...two.keys()].some((k) => k.endsWith('_START'))).toBe(false);
  });

  it('turn a dashed alias into an underscored prefix', () => {
    const env = linkEnvironment('web', 'cache-main', 'cache-main', service('redis'));
    expect(env).toEqual([['CACHE_MAIN_NAME', '/web/cache-main']]);
  });
});

describe('links in the translation', () => {
  it('give the linking container the link variables, its own variables winning over them', () => {
    const web = service('web', {
      linkedToService: [{ toService: 'database', name: 'DB' }],
      containerEnvvars: [
        { key: 'DB_PORT', value: 'tcp://elsewhere:1' },
        { key: 'MODE', value: 'prod' },
      ],
    });
    const { container } = translateOne(web, {}, [db]);
    const env = envOf(container);
    expect(env['DB_PORT']).toBe('tcp://elsewhere:1');
    expect(env['DB_PORT_5432_TCP_ADDR']).toBe('db');
    expect(env['MODE']).toBe('prod');
    expect(container?.env?.filter((e) => e.name === 'DB_PORT')).toHaveLength(1);
  });

  it('pass link variable values through to the container untouched by Kubernetes expansion', () => {
    const target = service('api', { containerEnvvars: [{ key: 'PS1', value: '$(whoami)$ ' }] });
    const { container } = translateOne(service('web', { linkedToService: [{ toService: 'api' }] }), {}, [target]);
    expect(envOf(container)['API_ENV_PS1']).toBe('$$(whoami)$$ ');
  });

  const addresses = (stackName: string, svc: string) => [`10.96.${stackName === 'shop' ? 1 : 2}.${svc.length}`];

  it("publish every service name and alias in the stack's DNS domain, answering with the target's address", () => {
    const web = service('web', { linkedToService: [{ toService: 'database', name: 'my_DB' }] });
    const t = translate(stack([web, db]), {}, { serviceAddresses: addresses });
    const domain = t.objects.find((o): o is ServiceObject => o.kind === 'Service' && o.metadata.name === 'shop');
    expect(domain?.spec).toEqual({ type: 'ClusterIP', clusterIP: 'None' });
    expect(dnsNames(t.objects)).toEqual({ database: ['10.96.1.8'], 'my-db': ['10.96.1.8'], web: ['10.96.1.3'] });
    const slice = t.objects.find((o) => o.kind === 'EndpointSlice');
    expect(slice?.metadata.labels).toMatchObject({
      'kubernetes.io/service-name': 'shop',
      'endpointslice.kubernetes.io/managed-by': 'longshore.io',
    });
  });

  it('need no extra name when the alias is the target name, in any case', () => {
    const t = translate(
      stack([service('web', { linkedToService: [{ toService: 'redis', name: 'REDIS' }] }), service('redis')]),
      {},
      {
        serviceAddresses: addresses,
      },
    );
    expect(Object.keys(dnsNames(t.objects))).toEqual(['redis', 'web']);
    expect(t.objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['shop', 'shop-redis', 'shop-web']);
  });

  it('share one name between services linking the same target under the same alias', () => {
    const link = { linkedToService: [{ toService: 'redis', name: 'cache' }] };
    const t = translate(
      stack([service('web', link), service('worker', link), service('redis')]),
      {},
      { serviceAddresses: addresses },
    );
    expect(t.problems).toEqual([]);
    expect(dnsNames(t.objects)['cache']).toEqual(['10.96.1.5']);
  });

  it("reach another stack's service as service.stack, its variables and ports, under an alias in this stack's domain", () => {
    const other = stack(
      [service('statsd', { containerPorts: [{ innerPort: 8125, protocol: 'udp' }] })],
      {},
      { name: 'statsd-librato' },
    );
    const web = service('web', { linkedToService: [{ toService: 'statsd.statsd-librato', name: 'statsd' }] });
    const t = translate(
      stack([web]),
      {},
      { stack: (name) => (name === 'statsd-librato' ? other : undefined), serviceAddresses: addresses },
    );
    expect(t.problems).toEqual([]);
    expect(t.notices).toEqual([]);
    expect(dnsNames(t.objects)['statsd']).toEqual(['10.96.2.6']);
    expect(envOf(pick(t.objects, 'web').container)['STATSD_PORT_8125_UDP_ADDR']).toBe('statsd');
    const plain = translate(
      stack([service('web', { linkedToService: [{ toService: 'statsd.statsd-librato' }] })]),
      {},
      {
        stack: () => other,
        serviceAddresses: addresses,
      },
    );
    expect(Object.keys(dnsNames(plain.objects))).toEqual(['web']);
    expect(envOf(pick(plain.objects, 'web').container)['STATSD_STATSD_LIBRATO_PORT']).toBe('udp://statsd.statsd-librato:8125');
  });

  it('tell, without blocking, when a linked stack does not run', () => {
    const other = stack([service('db')], { desiredState: 'Stopped' }, { name: 'other' });
    other.status = { state: 'Stopped' };
    const t = translate(stack([service('web', { linkedToService: [{ toService: 'db.other' }] })]), {}, { stack: () => other });
    expect(t.problems).toEqual([]);
    expect(t.notices).toEqual([
      {
        service: 'web',
        field: 'linkedToService[0].toService',
        message: 'links to "db.other", whose stack is stopped (state: Stopped): it does not answer until that stack runs',
      },
    ]);
  });

  it('refuse a link to a stack or a service that does not exist, naming the link', () => {
    const other = stack([service('db')], {}, { name: 'other' });
    const t = translate(
      stack([
        service('web', {
          linkedToService: [{ toService: 'db.nowhere' }, { toService: 'cache.other' }, { toService: 'couchdb' }],
        }),
      ]),
      {},
      { stack: (name) => (name === 'other' ? other : undefined) },
    );
    expect(t.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'linkedToService[0].toService: links to service "db" of stack "nowhere", but namespace "team-a" has no stack "nowhere"',
      'linkedToService[1].toService: links to "cache.other", but stack "other" has no service "cache"',
      'linkedToService[2].toService: links to "couchdb", which is neither a service of this stack nor a Service of namespace "team-a" (another stack\'s service is "service.stack")',
    ]);
  });

  it("link to a plain Service of the namespace (Docker Cloud's standalone service) with its ports as variables", () => {
    const couch = { name: 'couchdb', clusterIP: '10.96.0.9', ports: [{ port: 5984, protocol: 'tcp' as const }] };
    const t = translate(
      stack([service('web', { linkedToService: [{ toService: 'couchdb' }, { toService: 'couchdb', name: 'db' }] })]),
      {},
      {
        plainService: (name) => (name === 'couchdb' ? couch : undefined),
      },
    );
    expect(t.problems).toEqual([]);
    expect(dnsNames(t.objects)['db']).toEqual(['10.96.0.9']);
    const env = envOf(pick(t.objects, 'web').container);
    expect(env['COUCHDB_PORT_5984_TCP']).toBe('tcp://couchdb:5984');
    expect(env['DB_PORT_5984_TCP_ADDR']).toBe('db');
  });

  it('refuse an alias that is the name of another service, or already resolves to another target', () => {
    const t = translate(
      stack([
        service('web', { linkedToService: [{ toService: 'redis', name: 'worker' }] }),
        service('worker', { linkedToService: [{ toService: 'redis', name: 'cache' }] }),
        service('cron', { linkedToService: [{ toService: 'web', name: 'CACHE' }] }),
        service('redis'),
      ]),
    );
    expect(t.problems.map((p) => [p.service, p.field])).toEqual([
      ['web', 'linkedToService[0].name'],
      ['cron', 'linkedToService[0].name'],
    ]);
    expect(t.problems[0]?.message).toContain('"worker", which is the name of another service');
    expect(t.problems[1]?.message).toContain('already uses for "redis"');
  });

  it('refuse a service linking to itself, as Docker did', () => {
    const t = translate(stack([service('web', { linkedToService: [{ toService: 'web' }] })]));
    expect(t.problems).toEqual([
      { service: 'web', field: 'linkedToService[0].toService', message: 'a service cannot link to itself' },
    ]);
  });

  it("refuse, as service names and aliases, the API server's name and the names of the stack's own objects", () => {
    const t = translate(
      stack([
        service('kubernetes'),
        service('shop-db'),
        service('db'),
        service('web', {
          linkedToService: [
            { toService: 'db', name: 'shop' },
            { toService: 'db', name: 'Kubernetes' },
            { toService: 'db', name: 'shop-web' },
            { toService: 'db', name: 'database' },
          ],
        }),
      ]),
      {},
      { serviceAddresses: (_stack, svc) => [svc === 'db' ? '10.96.0.5' : '10.96.0.6'] },
    );
    expect(t.problems.map((p) => `${p.service}.${p.field}`)).toEqual([
      'kubernetes.name',
      'shop-db.name',
      'web.linkedToService[0].name',
      'web.linkedToService[1].name',
      'web.linkedToService[2].name',
    ]);
    expect(t.problems[0]?.message).toBe(
      '"kubernetes" is reserved: it is the name of the Kubernetes API server\'s Service, which the stack\'s pods would no longer reach by it; rename the service',
    );
    expect(t.problems[1]?.message).toContain('the Service and workload of this stack\'s service "db"');
    expect(t.problems[2]?.message).toContain("it is the stack's own name");
    expect(t.problems[4]?.message).toContain('of this stack\'s service "web"');
    // Reserved service names are no DNS names of the stack; the good alias is.
    expect(dnsNames(t.objects)).toEqual({ database: ['10.96.0.5'], db: ['10.96.0.5'], web: ['10.96.0.6'] });
  });

  it('let a service be named like its stack, as Docker Cloud stacks often were', () => {
    expect(translate(stack([service('postgres')], {}, { name: 'postgres' })).problems).toEqual([]);
  });
});
