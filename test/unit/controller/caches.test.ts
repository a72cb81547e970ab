import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { cachedSpecEditors, specEditors, trimChild, trimPod } from '../../../src/controller/caches.ts';

const entry = (manager: string, fields: Record<string, unknown>, subresource?: string) => ({
  manager,
  operation: manager === 'longshore' ? 'Apply' : 'Update',
  apiVersion: 'apps/v1',
  fieldsType: 'FieldsV1',
  fieldsV1: fields,
  ...(subresource ? { subresource } : {}),
});

const deployment = (managedFields: ReturnType<typeof entry>[]) =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns', uid: 'u1', generation: 2, managedFields },
    spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    status: { readyReplicas: 1 },
  }) as KubernetesObject & { spec: Record<string, unknown> };

describe('the cached copy of a child', () => {
  it('names the other field managers that own part of its spec', () => {
    const d = deployment([
      entry('longshore', { 'f:metadata': {}, 'f:spec': { 'f:replicas': {} } }),
      entry('kubectl-scale', { 'f:spec': { 'f:replicas': {} } }, 'scale'),
      entry('kubectl-edit', { 'f:spec': { 'f:template': {} } }),
    ]);
    expect(specEditors(d.metadata)).toEqual(['kubectl-edit', 'kubectl-scale']);
    expect(cachedSpecEditors(trimChild(d))).toEqual(['kubectl-edit', 'kubectl-scale']);
  });

  it('does not count Longshore, status writers or metadata-only writers as editors', () => {
    const d = deployment([
      entry('longshore', { 'f:spec': { 'f:replicas': {} } }),
      entry('kube-controller-manager', { 'f:status': {} }, 'status'),
      entry('kube-controller-manager', { 'f:metadata': { 'f:annotations': {} } }),
    ]);
    const cached = trimChild(d);
    expect(cachedSpecEditors(cached)).toEqual([]);
    // managedFields themselves are not kept: they are most of an object's bytes.
    expect(cached.metadata?.managedFields).toBeUndefined();
    expect(cached.spec).toEqual({ replicas: 3 });
  });
});

describe('the cached copy of a Service and a Pod', () => {
  it("keeps a Service's port numbers and node ports, where published ports are reachable", () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'shop-web', namespace: 'ns' },
      spec: {
        type: 'NodePort',
        clusterIP: '10.0.0.9',
        ports: [{ name: 'tcp-80', port: 80, targetPort: 80, protocol: 'TCP', nodePort: 31080 }],
      },
    } as KubernetesObject & { spec: Record<string, unknown> };
    expect(trimChild(svc).spec).toEqual({ clusterIP: '10.0.0.9', ports: [{ name: 'tcp-80', port: 80, nodePort: 31080 }] });
  });

  it("keeps the scheduler's reason for a pod no node takes", () => {
    const pod = trimPod({
      metadata: { name: 'p', namespace: 'ns' },
      status: {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' }],
      },
    });
    expect(pod.status).toEqual({ phase: 'Pending', ready: false, unschedulable: '0/1 nodes are available' });
  });
});
