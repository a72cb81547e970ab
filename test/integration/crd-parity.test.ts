// The CRD (generated from the zod model, plus CEL rules) and zod accept and refuse the same
// specs: every case of the shared corpus is sent to the real API server (a server-side dry
// run with strict field validation, as `kubectl apply --validate=strict` does).
import { CustomObjectsApi } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { validateStackSpec } from '../../src/model/errors.ts';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION } from '../../src/model/stack.ts';
import { SPEC_CASES, TRANSITION_CASES } from '../unit/model/spec-cases.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('parity');
const custom = kc.makeApiClient(CustomObjectsApi);
const target = { group: GROUP, version: VERSION, plural: PLURAL, namespace: ns };

const body = (name: string, spec: unknown) => ({ apiVersion: API_VERSION, kind: KIND, metadata: { name, namespace: ns }, spec });

async function serverAccepts(name: string, spec: unknown): Promise<boolean> {
  try {
    await custom.createNamespacedCustomObject({ ...target, body: body(name, spec), dryRun: 'All', fieldValidation: 'Strict' });
    return true;
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (code === 422 || code === 400) return false;
    throw err;
  }
}

describe('the CRD and the zod model', () => {
  it.each(SPEC_CASES.map((c, i) => [c.name, c, i] as const))('agree on %s', async (_name, c, i) => {
    const zod = validateStackSpec(c.spec).ok;
    expect(zod).toBe(c.valid);
    expect(await serverAccepts(`case-${i}`, c.spec)).toBe(c.valid);
  });

  it.each(TRANSITION_CASES.map((c, i) => [c.name, c, i] as const))('agree on the transition %s', async (_name, c, i) => {
    const name = `transition-${i}`;
    await custom.createNamespacedCustomObject({ ...target, body: body(name, c.before) });
    let allowed = true;
    try {
      const current = (await custom.getNamespacedCustomObject({ ...target, name })) as { metadata: { resourceVersion: string } };
      await custom.replaceNamespacedCustomObject({
        ...target,
        name,
        body: { ...body(name, c.after), metadata: { name, namespace: ns, resourceVersion: current.metadata.resourceVersion } },
        dryRun: 'All',
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 422) throw err;
      allowed = false;
    }
    expect(allowed).toBe(c.allowed);
  });
});
