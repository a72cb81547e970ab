import { describe, expect, it } from 'vitest';
import { LABEL_LINK_TARGET, LABEL_SERVICE } from '../../../src/translate/labels.ts';
import { linkEnvironment } from '../../../src/translate/links.ts';
import { envOf, pick, service, stack, translate, translateOne } from './fixtures.ts';

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

  it('make an alias resolve: a Service named after it, selecting the target with its ports', () => {
    const web = service('web', { linkedToService: [{ toService: 'database', name: 'my_DB' }] });
    const t = translate(stack([web, db]));
    const alias = pick(t.objects, 'my-db').service;
    expect(alias?.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'longshore.io/stack': 'shop', 'longshore.io/service': 'database' },
      ports: [
        { name: 'tcp-5432', protocol: 'TCP', port: 5432, targetPort: 5432 },
        { name: 'tcp-8080', protocol: 'TCP', port: 8080, targetPort: 8080 },
      ],
    });
    expect(alias?.metadata.labels[LABEL_SERVICE]).toBe('web');
    expect(alias?.metadata.labels[LABEL_LINK_TARGET]).toBe('database');
  });

  it('make a headless alias Service for a target without ports, so the name still resolves', () => {
    const t = translate(stack([service('web', { linkedToService: [{ toService: 'redis', name: 'cache' }] }), service('redis')]));
    expect(pick(t.objects, 'cache').service?.spec?.clusterIP).toBe('None');
  });

  it('need no extra Service when the alias is the target name, in any case', () => {
    const t = translate(stack([service('web', { linkedToService: [{ toService: 'redis', name: 'REDIS' }] }), service('redis')]));
    expect(t.objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['redis', 'web']);
  });

  it('share one alias Service between services linking the same target under the same alias', () => {
    const link = { linkedToService: [{ toService: 'redis', name: 'cache' }] };
    const t = translate(stack([service('web', link), service('worker', link), service('redis')]));
    expect(t.problems).toEqual([]);
    expect(t.objects.filter((o) => o.metadata.name === 'cache')).toHaveLength(1);
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
});
