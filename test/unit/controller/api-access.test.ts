// reconcile over an in-memory cluster: the API access of a stack with a global-role service (its
// ServiceAccount, Role, RoleBinding and token Secret), and what happens when its names are
// taken by someone else.
import { describe, expect, it } from 'vitest';
import { service, stack } from '../translate/fixtures.ts';
import { FakeCluster } from './support/fake-cluster.ts';

const NS = 'team-a';
const KEY = `${NS}/shop`;
const lb = service('lb', { roles: ['global'] });
const web = service('web');

function cluster(services = [lb, web]): FakeCluster {
  const c = new FakeCluster();
  c.addStack(stack(services, {}, { namespace: NS }));
  return c;
}

const names = (c: FakeCluster, kind: 'ServiceAccount' | 'Role' | 'RoleBinding' | 'Deployment') =>
  [...c.children[kind].list()].map((o) => o.metadata?.name);

describe('a stack with a global-role service', () => {
  it('gets its ServiceAccount, Role and RoleBinding, and the token Secret pinned to that ServiceAccount', async () => {
    const c = cluster();
    await c.reconciler().reconcile(KEY);
    expect(names(c, 'ServiceAccount')).toEqual(['shop-api-access']);
    expect(names(c, 'Role')).toEqual(['shop-api-access']);
    expect(names(c, 'RoleBinding')).toEqual(['shop-api-access']);
    const account = c.children.ServiceAccount.get(`${NS}/shop-api-access`);
    const secret = c.secrets.get(`${NS}/shop-api-access-token`);
    expect(secret?.type).toBe('kubernetes.io/service-account-token');
    expect(secret?.metadata?.annotations).toEqual({
      'kubernetes.io/service-account.name': 'shop-api-access',
      'kubernetes.io/service-account.uid': account?.metadata?.uid,
    });
  });

  it('creates the Secret once; a restarted process tries once more and takes a taken name as done; a redeploy creates it again', async () => {
    const c = cluster();
    const reconciler = c.reconciler();
    await reconciler.reconcile(KEY);
    await reconciler.reconcile(KEY);
    expect(c.log.filter((e) => e.what === 'create')).toHaveLength(1);

    let attempts = 0;
    const restarted = c.reconciler({
      createSecret: (secret) => {
        attempts++;
        return c.createSecret(secret);
      },
    });
    await restarted.reconcile(KEY);
    await restarted.reconcile(KEY);
    expect(c.log.filter((e) => e.what === 'create')).toHaveLength(1);
    expect(attempts).toBe(1);

    // Renewing a revoked token: the Secret deleted by hand, then a redeploy.
    c.secrets.clear();
    const s = c.stack(NS, 'shop');
    c.addStack({ ...s, spec: { ...s.spec, redeploy: { revision: 1 } }, metadata: { ...s.metadata, generation: 2 } });
    await restarted.reconcile(KEY);
    expect(c.secrets.has(`${NS}/shop-api-access-token`)).toBe(true);
  });

  it('puts its Role right when someone widens it (a Role has no generation to show the edit)', async () => {
    const c = cluster();
    const reconciler = c.reconciler();
    await reconciler.reconcile(KEY);
    const role = c.children.Role.get(`${NS}/shop-api-access`) as { rules: { verbs: string[] }[] };
    const widened = [{ apiGroups: ['longshore.io'], resources: ['stacks'], verbs: ['get', 'list', 'watch', 'delete'] }];
    c.children.Role.put({ ...role, rules: widened } as never);
    await reconciler.reconcile(KEY);
    expect((c.children.Role.get(`${NS}/shop-api-access`) as { rules: unknown }).rules).toEqual([
      { apiGroups: ['longshore.io'], resources: ['stacks'], verbs: ['get', 'list', 'watch'] },
    ]);
    // And as it was, it is left alone.
    const applies = c.log.filter((e) => e.what === 'apply').length;
    await reconciler.reconcile(KEY);
    expect(c.log.filter((e) => e.what === 'apply')).toHaveLength(applies);
  });

  it('loses its API access when no service has the global role any more', async () => {
    const c = cluster();
    const reconciler = c.reconciler();
    await reconciler.reconcile(KEY);
    const s = c.stack(NS, 'shop');
    c.addStack({ ...s, spec: { ...s.spec, services: [service('lb'), web] }, metadata: { ...s.metadata, generation: 2 } });
    await reconciler.reconcile(KEY);
    expect(names(c, 'ServiceAccount')).toEqual([]);
    expect(names(c, 'Role')).toEqual([]);
    expect(names(c, 'RoleBinding')).toEqual([]);
  });

  it('never runs as, nor makes a token of, a ServiceAccount someone else holds by that name', async () => {
    const c = cluster();
    // Someone's own ServiceAccount, with whatever rights it has.
    c.children.ServiceAccount.put({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'shop-api-access', namespace: NS, uid: 'foreign', labels: { 'longshore.io/stack': 'shop' } },
    });
    await c.reconciler().reconcile(KEY);
    // The global-role service is left out and reported; the rest of the stack is applied.
    expect(names(c, 'Deployment')).toEqual(['shop-web']);
    expect(c.children.Service.get(`${NS}/shop-lb`)).toBeUndefined();
    expect(c.secrets.size).toBe(0);
    expect(names(c, 'Role')).toEqual([]);
    const status = c.stack(NS, 'shop').status;
    expect(status?.conditions?.find((x) => x.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'NameConflict',
      message: expect.stringContaining('ServiceAccount shop-api-access'),
    });
    expect(c.events().map((e) => e.reason)).toContain('NameConflict');
  });
});
