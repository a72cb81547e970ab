// A spec the schema allows but the namespace's Pod Security level or this operator's
// configuration cannot deploy is refused by the façade with a 400 naming the field, the rule,
// the level and what an administrator would do, and nothing is written.
import { afterEach, describe, expect, it } from 'vitest';
import type { StackSpec } from '../../../src/model/stack.ts';
import {
  defaultTranslateOptions,
  type NodePortHolder,
  nodePortConflicts,
  type PodSecurityLevel,
  refusedByConfiguration,
  requestedNodePorts,
} from '../../../src/translate/index.ts';
import { type Harness, startHarness } from './support/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The policy as main wires it, with each namespace's level from a map (default baseline). */
const byNamespace = (levels: Record<string, PodSecurityLevel>) => (spec: StackSpec, stack: { namespace: string; name: string }) =>
  refusedByConfiguration(spec, defaultTranslateOptions, { ...stack, podSecurityLevel: levels[stack.namespace] ?? 'baseline' });

describe("the namespace's Pod Security level, through the façade", () => {
  it('refuses a host path in a baseline namespace, naming the service, the field, the level and the remedy', async () => {
    h = await startHarness({}, { policy: byNamespace({}) });
    const r = await h.send('POST', '/api/app/v1/stack/', {
      body: { name: 'hosty', services: [{ name: 'web', image: 'nginx', volumes: ['/etc:/etc:ro'] }] },
    });
    expect(r.status).toBe(400);
    expect(r.json.error).toContain(
      'services[0] (web).bindings[0].hostPath: hostPath volumes are forbidden in namespace "default", whose Pod Security level is "baseline" (spec.volumes[0].hostPath); a cluster administrator can allow it by labelling the namespace pod-security.kubernetes.io/enforce=privileged',
    );
    expect((await h.send('GET', '/api/app/v1/stack/')).json.meta.total_count).toBe(0);
  });

  it('accepts the same stack in a privileged namespace, and refuses it in another', async () => {
    h = await startHarness({}, { policy: byNamespace({ 'team-a': 'privileged' }) });
    const body = { name: 'hosty', services: [{ name: 'web', image: 'nginx', volumes: ['/etc:/etc:ro'] }] };
    expect((await h.send('POST', '/api/app/v1/team-a/stack/', { body })).status).toBe(201);
    expect((await h.send('POST', '/api/app/v1/default/stack/', { body })).status).toBe(400);
  });

  it('refuses a privileged container and added capabilities (the issue #9 attack) at baseline', async () => {
    h = await startHarness({}, { policy: byNamespace({}) });
    const r = await h.send('POST', '/api/app/v1/stack/', {
      body: { name: 'evil', services: [{ name: 'web', image: 'nginx', privileged: true, cap_add: ['SYS_ADMIN'] }] },
    });
    expect(r.status).toBe(400);
    expect(r.json.error).toContain('services[0] (web).privileged: privileged containers are forbidden');
    expect(r.json.error).toContain('services[0] (web).capAdd: capabilities beyond the default set are forbidden: SYS_ADMIN');
  });

  it('refuses user 0 in a restricted namespace, and accepts an ordinary service there', async () => {
    h = await startHarness({}, { policy: byNamespace({ default: 'restricted' }) });
    const root = await h.send('POST', '/api/app/v1/stack/', {
      body: { name: 'root', services: [{ name: 'web', image: 'nginx', user: '0' }] },
    });
    expect(root.status).toBe(400);
    expect(root.json.error).toContain(
      'services[0] (web).user: running as uid 0 is forbidden in namespace "default", whose Pod Security level is "restricted"',
    );
    expect(root.json.error).toContain('pod-security.kubernetes.io/enforce=baseline');
    const plain = await h.send('POST', '/api/app/v1/stack/', {
      body: { name: 'plain', services: [{ name: 'web', image: 'nginx' }] },
    });
    expect(plain.status).toBe(201);
  });

  it('refuses a reserved service name and alias', async () => {
    h = await startHarness({}, { policy: byNamespace({}) });
    const r = await h.send('POST', '/api/app/v1/stack/', {
      body: {
        name: 'shop',
        services: [
          { name: 'kubernetes', image: 'nginx' },
          { name: 'web', image: 'nginx', links: ['db:shop'] },
          { name: 'db', image: 'postgres' },
        ],
      },
    });
    expect(r.status).toBe(400);
    expect(r.json.error).toContain('services[0] (kubernetes).name: "kubernetes" is reserved');
    expect(r.json.error).toContain(
      'services[1] (web).linkedToService[0].name: the alias "shop" cannot be a DNS name of the stack',
    );
  });

  it('refuses an update that would add host networking', async () => {
    h = await startHarness({}, { policy: byNamespace({}) });
    const created = await h.send('POST', '/api/app/v1/stack/', {
      body: { name: 'net', services: [{ name: 'web', image: 'nginx' }] },
    });
    expect(created.status).toBe(201);
    const r = await h.send('PATCH', created.json.resource_uri, {
      body: { services: [{ name: 'web', image: 'nginx', net: 'host' }] },
    });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/services\[0\] \(web\)\.net: .*pod-security\.kubernetes\.io\/enforce=privileged/);
  });

  it('leaves links to what lies outside the stack to the link check: the policy takes them to exist', () => {
    const spec: StackSpec = {
      services: [
        { name: 'api', image: 'nginx', linkedToService: [{ toService: 'redis.cache', name: 'redis' }, { toService: 'couchdb' }] },
      ],
    };
    expect(
      refusedByConfiguration(spec, defaultTranslateOptions, { namespace: 'team-a', name: 'app', podSecurityLevel: 'baseline' }),
    ).toEqual([]);
  });
});

describe('node ports, through the façade', () => {
  const published = (name: string, outerPort: number) => ({
    name,
    services: [{ name: 'web', image: 'nginx', container_ports: [{ inner_port: 80, outer_port: outerPort, published: true }] }],
  });
  /** The cluster's Services holding node ports, as main reads them. */
  const holders = new Map<number, NodePortHolder>([
    [30080, { namespace: 'victim', name: 'victim-svc' }],
    [30081, { namespace: 'default', name: 'shop-web', stack: 'shop' }],
  ]);
  const policy = async (spec: StackSpec, stack: { namespace: string; name: string }) =>
    nodePortConflicts(spec, defaultTranslateOptions, stack, holders);

  it('asks only for published outer ports inside the node port range', () => {
    const spec: StackSpec = {
      services: [
        {
          name: 'web',
          image: 'nginx',
          containerPorts: [
            { innerPort: 80, outerPort: 30080, published: true },
            { innerPort: 81, outerPort: 8080, published: true },
            { innerPort: 82, outerPort: 30082 },
          ],
        },
      ],
    };
    expect(requestedNodePorts(spec, defaultTranslateOptions)).toEqual([{ service: 0, index: 0, port: 30080 }]);
    expect(requestedNodePorts(spec, { ...defaultTranslateOptions, publishMode: 'LoadBalancer' })).toEqual([]);
  });

  it("refuses a node port another namespace's Service holds, at create and at update", async () => {
    h = await startHarness({}, { policy });
    const r = await h.send('POST', '/api/app/v1/stack/', { body: published('thief', 30080) });
    expect(r.status).toBe(400);
    expect(r.json.error).toContain(
      'services[0] (web).containerPorts[0].outerPort: node port 30080 is already allocated to Service "victim-svc" of namespace "victim"',
    );
    const created = await h.send('POST', '/api/app/v1/stack/', { body: published('thief', 30090) });
    expect(created.status).toBe(201);
    const update = await h.send('PATCH', created.json.resource_uri, { body: { services: published('thief', 30080).services } });
    expect(update.status).toBe(400);
  });

  it("accepts the node port the stack's own Service already holds", async () => {
    h = await startHarness({}, { policy });
    expect((await h.send('POST', '/api/app/v1/stack/', { body: published('shop', 30081) })).status).toBe(201);
    expect((await h.send('POST', '/api/app/v1/stack/', { body: published('other', 30081) })).status).toBe(400);
  });
});
