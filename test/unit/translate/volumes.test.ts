import { describe, expect, it } from 'vitest';
import { legacyVolumeClaimName } from '../../../src/translate/names.ts';
import { claims, pick, service, stack, translate, translateOne } from './fixtures.ts';

const mysql = service('mysql', { bindings: [{ containerPath: '/var/lib/mysql' }] });

describe('volumes', () => {
  it('give each container-only binding a ReadWriteOnce claim of the configured size, owned by the Stack', () => {
    const { all, container, podSpec } = translateOne(mysql, { volumeSize: '5Gi', storageClassName: 'fast' });
    const [claim] = claims(all);
    expect(claim?.metadata.name).toMatch(/^shop-mysql-[0-9a-f]{8}-v0$/);
    expect(claim?.metadata.annotations).toEqual({ 'longshore.io/container-path': '/var/lib/mysql' });
    expect(claim?.metadata.ownerReferences[0]?.kind).toBe('Stack');
    expect(claim?.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '5Gi' } },
      storageClassName: 'fast',
    });
    expect(container?.volumeMounts).toEqual([{ name: claim?.metadata.name, mountPath: '/var/lib/mysql' }]);
    expect(podSpec?.volumes).toEqual([
      { name: claim?.metadata.name, persistentVolumeClaim: { claimName: claim?.metadata.name } },
    ]);
  });

  it('keep their claims across a redeploy that reuses volumes, and get new ones when volumesRevision changes', () => {
    const names = (redeploy?: { revision: number; volumesRevision?: number }) =>
      claims(translate(stack([mysql], redeploy ? { redeploy } : {})).objects).map((c) => c.metadata.name);
    const first = names();
    expect(names({ revision: 1 })).toEqual(first);
    const fresh = names({ revision: 2, volumesRevision: 2 });
    expect(fresh[0]).toMatch(/-v2$/);
    expect(fresh).not.toEqual(first);
  });

  it('name claims within 63 characters, distinct per service and path, the same path spelled differently alike', () => {
    const long = 'a'.repeat(63);
    const a = claims(
      translate(
        stack([service(long, { bindings: [{ containerPath: '/data' }] })], { redeploy: { revision: 1, volumesRevision: 12345 } }),
      ).objects,
    );
    expect(a[0]?.metadata.name.length).toBeLessThanOrEqual(63);
    expect(a[0]?.metadata.name).toMatch(/^shop-a+-[0-9a-f]{8}-v12345$/);
    const two = claims(
      translate(
        stack([
          service('x', { bindings: [{ containerPath: '/a' }, { containerPath: '/b' }] }),
          service('y', { bindings: [{ containerPath: '/a' }] }),
        ]),
      ).objects,
    );
    expect(new Set(two.map((c) => c.metadata.name)).size).toBe(3);
    const spelled = (p: string) =>
      claims(translate(stack([service('x', { bindings: [{ containerPath: p }] })])).objects)[0]?.metadata.name;
    expect(spelled('/data/')).toBe(spelled('/data'));
    const inStack = (name: string) =>
      claims(translate(stack([service('x', { bindings: [{ containerPath: '/a' }] })], {}, { name })).objects)[0]?.metadata.name;
    expect(inStack('staging')).not.toBe(inStack('production'));
  });

  it('keep the claim an earlier release named without the stack, so its data stays', () => {
    const legacy = legacyVolumeClaimName('db', '/data', 0);
    const t = translate(
      stack([service('db', { bindings: [{ containerPath: '/data' }] })]),
      {},
      {
        ownsClaim: (name) => name === legacy,
      },
    );
    expect(claims(t.objects).map((c) => c.metadata.name)).toEqual([legacy]);
    expect(pick(t.objects, 'db').podSpec?.volumes?.[0]?.persistentVolumeClaim?.claimName).toBe(legacy);
    expect(
      claims(translate(stack([service('db', { bindings: [{ containerPath: '/data' }] })])).objects)[0]?.metadata.name,
    ).toMatch(/^shop-db-/);
  });

  it('mount read-only when rewritable is false', () => {
    const { container } = translateOne(service('web', { bindings: [{ containerPath: '/conf', rewritable: false }] }));
    expect(container?.volumeMounts?.[0]?.readOnly).toBe(true);
  });

  it("mount host paths only where the namespace's Pod Security level is privileged", () => {
    const web = service('web', { bindings: [{ hostPath: '/var/run/docker.sock', containerPath: '/tmp/docker.sock' }] });
    const allowed = translateOne(web, {}, [], { podSecurityLevel: 'privileged' });
    expect(allowed.podSpec?.volumes).toEqual([
      { name: expect.stringMatching(/^host-[0-9a-f]{8}$/), hostPath: { path: '/var/run/docker.sock' } },
    ]);
    expect(claims(allowed.all)).toEqual([]);
    const refused = translate(stack([web]));
    expect(refused.problems).toEqual([
      {
        service: 'web',
        field: 'bindings[0].hostPath',
        message:
          'hostPath volumes are forbidden in namespace "team-a", whose Pod Security level is "baseline" (spec.volumes[0].hostPath); a cluster administrator can allow it by labelling the namespace pod-security.kubernetes.io/enforce=privileged',
      },
    ]);
    // A sibling taking its volumes gets the host path too: refused at its volumes_from.
    const both = translate(stack([web, service('worker', { bindings: [{ volumesFrom: 'web' }] })]));
    expect(both.problems.map((p) => `${p.service}.${p.field}`)).toEqual([
      'web.bindings[0].hostPath',
      'worker.bindings[0].volumesFrom',
    ]);
    expect(refused.objects.filter((o) => o.metadata.labels['longshore.io/service'] === 'web')).toEqual([]);
  });

  it('refuse two bindings at the same container path', () => {
    const t = translate(stack([service('web', { bindings: [{ containerPath: '/data' }, { containerPath: '/data/' }] })]));
    expect(t.problems.map((p) => p.field)).toEqual(['bindings[1].containerPath']);
  });
});

describe('volumesFrom', () => {
  const data = service('data', {
    bindings: [{ containerPath: '/data' }, { containerPath: '/conf', rewritable: false }],
  });

  it("mounts all of the sibling's volumes at the same paths and runs next to it", () => {
    const t = translate(stack([service('app', { bindings: [{ volumesFrom: 'data' }, { containerPath: '/cache' }] }), data]));
    expect(t.problems).toEqual([]);
    const app = pick(t.objects, 'app');
    const dataClaims = claims(t.objects).filter((c) => c.metadata.labels['longshore.io/service'] === 'data');
    expect(app.container?.volumeMounts?.map((m) => [m.mountPath, m.readOnly ?? false])).toEqual([
      ['/cache', false],
      ['/conf', true],
      ['/data', false],
    ]);
    expect(app.podSpec?.volumes?.map((v) => v.persistentVolumeClaim?.claimName)).toEqual(
      expect.arrayContaining(dataClaims.map((c) => c.metadata.name)),
    );
    const group = [
      {
        labelSelector: { matchLabels: { 'longshore.io/stack': 'shop', 'longshore.io/volume-group': 'app' } },
        topologyKey: 'kubernetes.io/hostname',
      },
    ];
    expect(app.podSpec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual(group);
    expect(app.template?.metadata?.labels?.['longshore.io/volume-group']).toBe('app');
    expect(pick(t.objects, 'data').template?.metadata?.labels?.['longshore.io/volume-group']).toBe('app');
    expect(pick(t.objects, 'data').podSpec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual(group);
    expect(claims(t.objects).filter((c) => c.metadata.labels['longshore.io/service'] === 'app')).toHaveLength(1);
  });

  it("applies the binding's rewritable to every volume taken, and keeps the sibling's mode when it is not given", () => {
    const ro = translate(stack([service('app', { bindings: [{ volumesFrom: 'data', rewritable: false }] }), data]));
    expect(pick(ro.objects, 'app').container?.volumeMounts?.every((m) => m.readOnly === true)).toBe(true);
    const rw = translate(stack([service('app', { bindings: [{ volumesFrom: 'data', rewritable: true }] }), data]));
    expect(pick(rw.objects, 'app').container?.volumeMounts?.some((m) => m.readOnly === true)).toBe(false);
  });

  it("takes what the sibling takes from others, and lets the service's own binding win at the same path", () => {
    const t = translate(
      stack([
        service('app', { bindings: [{ volumesFrom: 'middle' }, { containerPath: '/data' }] }),
        service('middle', { bindings: [{ volumesFrom: 'data' }] }),
        data,
      ]),
    );
    const mounts = pick(t.objects, 'app').container?.volumeMounts ?? [];
    expect(mounts.map((m) => m.mountPath)).toEqual(['/conf', '/data']);
    expect(mounts.find((m) => m.mountPath === '/data')?.name).toMatch(/^shop-app-/);
  });

  it('places a service taking volumes from two siblings with one affinity term the scheduler can meet', () => {
    // Corpus 005: two terms (one per sibling) could never be met, since no single pod matches both.
    const t = translate(
      stack([
        service('backend', { bindings: [{ volumesFrom: 'secrets' }, { volumesFrom: 'assets' }] }),
        service('secrets', { bindings: [{ containerPath: '/secrets' }] }),
        service('assets', { bindings: [{ containerPath: '/assets' }] }),
        service('alone', { bindings: [{ containerPath: '/x' }] }),
      ]),
    );
    for (const name of ['backend', 'secrets', 'assets']) {
      const p = pick(t.objects, name);
      expect(p.template?.metadata?.labels?.['longshore.io/volume-group']).toBe('assets');
      expect(p.podSpec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    }
    expect(pick(t.objects, 'alone').podSpec?.affinity).toBeUndefined();
  });

  it('mounts nothing and needs no placement for a sibling without volumes', () => {
    const { podSpec } = translateOne(service('app', { bindings: [{ volumesFrom: 'plain' }] }), {}, [service('plain')]);
    expect(podSpec?.volumes).toBeUndefined();
    expect(podSpec?.affinity).toBeUndefined();
  });

  it('refuses a circle of volumes_from', () => {
    const t = translate(
      stack([service('a', { bindings: [{ volumesFrom: 'b' }] }), service('b', { bindings: [{ volumesFrom: 'a' }] })]),
    );
    expect(t.problems.map((p) => `${p.service} ${p.field} ${p.message}`)).toEqual([
      'a bindings[0].volumesFrom volumes_from goes round in a circle: a → b → a',
      'b bindings[0].volumesFrom volumes_from goes round in a circle: b → a → b',
    ]);
  });

  it('blocks a service that takes volumes from a service that cannot be deployed', () => {
    const t = translate(
      stack([
        service('app', { bindings: [{ volumesFrom: 'data' }] }),
        service('data', { bindings: [{ hostPath: '/srv', containerPath: '/srv' }] }),
      ]),
    );
    expect(t.problems.map((p) => `${p.service} ${p.field}`)).toEqual([
      'app bindings[0].volumesFrom',
      'data bindings[0].hostPath',
    ]);
    expect(t.objects.map((o) => o.kind)).toEqual(['Service', 'EndpointSlice']);
  });
});
