// roles: [global]: what a service that asks for the Docker Cloud API gets, and what every other
// service does not.
import { describe, expect, it } from 'vitest';
import { service, stack, translate, translateOne } from './fixtures.ts';

const lb = service('lb', { roles: ['global'], linkedToService: [{ toService: 'web', name: 'web' }] });
const web = service('web', { containerPorts: [{ innerPort: 80 }] });

describe('a service with the global role', () => {
  it("runs as the stack's ServiceAccount, with its projected token mounted", () => {
    const { podSpec } = translateOne(lb, {}, [web]);
    expect(podSpec).toMatchObject({ serviceAccountName: 'shop-api-access', automountServiceAccountToken: true });
  });

  it('gets the façade as DOCKERCLOUD_REST_HOST, the token as DOCKERCLOUD_AUTH and its namespace, before its link variables', () => {
    const { container } = translateOne(lb, { facadeUrl: 'https://longshore.example.svc:8443' }, [web]);
    const env = container?.env ?? [];
    expect(env.slice(0, 5)).toEqual([
      { name: 'LONGSHORE_API_TOKEN', valueFrom: { secretKeyRef: { name: 'shop-api-access-token', key: 'token' } } },
      // Kubernetes expands $(LONGSHORE_API_TOKEN): it is defined before, so not escaped.
      { name: 'DOCKERCLOUD_AUTH', value: 'Bearer $(LONGSHORE_API_TOKEN)' },
      { name: 'DOCKERCLOUD_REST_HOST', value: 'https://longshore.example.svc:8443' },
      // The façade serves no event stream, but the token must not go to Docker's old host.
      { name: 'DOCKERCLOUD_STREAM_HOST', value: 'wss://longshore.example.svc:8443' },
      { name: 'DOCKERCLOUD_NAMESPACE', value: 'team-a' },
    ]);
    // Link variables still follow (dockercloud/haproxy balances over them).
    expect(env.map((v) => v.name)).toContain('WEB_PORT_80_TCP_ADDR');
    // The token itself is never in the pod template.
    expect(JSON.stringify(env)).not.toMatch(/eyJ/);
  });

  it('defaults to the in-cluster Service of the manifests', () => {
    const { container } = translateOne(lb, {}, [web]);
    expect(container?.env).toContainEqual({
      name: 'DOCKERCLOUD_REST_HOST',
      value: 'http://longshore.longshore-system.svc.cluster.local',
    });
    expect(container?.env).toContainEqual({
      name: 'DOCKERCLOUD_STREAM_HOST',
      value: 'ws://longshore.longshore-system.svc.cluster.local',
    });
  });

  it('keeps its own value of one of these variables, as Docker Cloud users could override them', () => {
    const own = service('lb', { roles: ['global'], containerEnvvars: [{ key: 'DOCKERCLOUD_NAMESPACE', value: '' }] });
    const env = translateOne(own).container?.env ?? [];
    expect(env.filter((v) => v.name === 'DOCKERCLOUD_NAMESPACE')).toEqual([{ name: 'DOCKERCLOUD_NAMESPACE', value: '' }]);
    expect(env.map((v) => v.name)).toContain('DOCKERCLOUD_AUTH');
  });

  it('does not set the service and container URIs, which would switch dockercloud/haproxy to an API the façade does not serve', () => {
    const names = (translateOne(lb, {}, [web]).container?.env ?? []).map((v) => v.name);
    expect(names).not.toContain('DOCKERCLOUD_SERVICE_API_URI');
    expect(names).not.toContain('DOCKERCLOUD_CONTAINER_API_URI');
  });
});

describe('a service without the global role', () => {
  it('gets no API variables, no ServiceAccount of the stack and no token', () => {
    const t = translateOne(web, {}, [lb]);
    expect(t.podSpec?.serviceAccountName).toBeUndefined();
    expect(t.podSpec?.automountServiceAccountToken).toBe(false);
    expect((t.container?.env ?? []).some((v) => v.name.startsWith('DOCKERCLOUD_') || v.name === 'LONGSHORE_API_TOKEN')).toBe(
      false,
    );
  });
});

describe("the stack's API access", () => {
  it('is a ServiceAccount, a Role reading Stacks and nothing else, and their RoleBinding, owned by the Stack', () => {
    const t = translate(stack([lb, web]));
    const access = t.objects.filter((o) => ['ServiceAccount', 'Role', 'RoleBinding'].includes(o.kind));
    expect(access.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/shop-api-access',
      'Role/shop-api-access',
      'RoleBinding/shop-api-access',
    ]);
    for (const o of access) {
      expect(o.metadata.namespace).toBe('team-a');
      expect(o.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Stack', name: 'shop', controller: true })]);
      expect(o.metadata.labels).toMatchObject({ 'longshore.io/stack': 'shop', 'app.kubernetes.io/component': 'api-access' });
      expect(o.metadata.labels['longshore.io/service']).toBeUndefined();
    }
    const role = access.find((o) => o.kind === 'Role');
    expect(role).toMatchObject({
      rules: [{ apiGroups: ['longshore.io'], resources: ['stacks'], verbs: ['get', 'list', 'watch'] }],
    });
    expect(access.find((o) => o.kind === 'RoleBinding')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'shop-api-access' },
      subjects: [{ kind: 'ServiceAccount', name: 'shop-api-access', namespace: 'team-a' }],
    });
  });

  it("comes with the ServiceAccount's token Secret, to be created once, never applied", () => {
    const t = translate(stack([lb, web]));
    expect(t.tokenSecret).toMatchObject({
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        name: 'shop-api-access-token',
        namespace: 'team-a',
        annotations: { 'kubernetes.io/service-account.name': 'shop-api-access' },
      },
    });
    expect(t.tokenSecret?.data).toBeUndefined();
    expect(t.objects.some((o) => (o.kind as string) === 'Secret')).toBe(false);
  });

  it('exists only while some service has the global role, and not once the stack is terminated', () => {
    const none = translate(stack([web]));
    expect(none.objects.some((o) => o.kind === 'ServiceAccount' || o.kind === 'Role' || o.kind === 'RoleBinding')).toBe(false);
    expect(none.tokenSecret).toBeUndefined();
    const terminated = translate(stack([lb, web], { desiredState: 'Terminated' }));
    expect(terminated.objects).toEqual([]);
    expect(terminated.tokenSecret).toBeUndefined();
  });

  it('is named after the stack: two stacks in a namespace have one each', () => {
    const other = translate(stack([lb, web], {}, { name: 'blog' }));
    expect(other.objects.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name)).toEqual(['blog-api-access']);
    expect(other.tokenSecret?.metadata.name).toBe('blog-api-access-token');
  });
});
