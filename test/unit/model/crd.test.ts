import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { crdYaml, stackCrd, statusSchema, toStructural } from '../../../src/model/crd.ts';
import { CRD_PATH } from '../../../src/model/generate-crd.ts';
import type { ServiceImageStatus } from '../../../src/model/stack.ts';

type Schema = Record<string, unknown>;

/** Every schema node, with its path. */
function* nodes(schema: Schema, path = ''): Generator<[string, Schema]> {
  yield [path, schema];
  for (const [k, v] of Object.entries((schema['properties'] as Record<string, Schema> | undefined) ?? {}))
    yield* nodes(v, `${path}.${k}`);
  if (typeof schema['items'] === 'object') yield* nodes(schema['items'] as Schema, `${path}[]`);
  if (typeof schema['additionalProperties'] === 'object') yield* nodes(schema['additionalProperties'] as Schema, `${path}{}`);
}

const crd = stackCrd() as { spec: { versions: { schema: { openAPIV3Schema: Schema } }[] } & Schema };
const version = crd.spec.versions[0]!;
const root = version.schema.openAPIV3Schema;
const spec = (root['properties'] as Record<string, Schema>)['spec']!;

describe('crds/stacks.longshore.io.yaml', () => {
  it('is what `npm run crd` generates from the zod schema (run it after changing stack.ts)', () => {
    expect(readFileSync(CRD_PATH, 'utf8')).toBe(crdYaml());
  });

  it('reads back as the CRD object', () => {
    expect(parse(crdYaml())).toEqual(stackCrd());
  });

  it('quotes the strings YAML 1.1 (kubectl) would read as booleans', () => {
    expect(crdYaml()).toContain('- "OFF"');
    expect(parse(crdYaml(), { version: '1.1' })).toEqual(stackCrd());
  });
});

describe('the Stack CRD', () => {
  it('names the resource', () => {
    expect(stackCrd()).toMatchObject({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'stacks.longshore.io' },
      spec: {
        group: 'longshore.io',
        scope: 'Namespaced',
        names: { kind: 'Stack', plural: 'stacks', singular: 'stack', shortNames: ['stk'] },
        versions: [{ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } }],
      },
    });
  });

  it('shows state, services, synchronization and age in kubectl get', () => {
    expect(crd.spec.versions[0]).toMatchObject({
      additionalPrinterColumns: [
        { name: 'State', type: 'string', jsonPath: '.status.state' },
        { name: 'Services', type: 'string', jsonPath: '.status.servicesReady' },
        { name: 'Synchronized', type: 'boolean', jsonPath: '.status.synchronized' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
    });
  });

  it('has a structural schema: no $schema, no additionalProperties: false, no propertyNames', () => {
    for (const [path, node] of nodes(root)) {
      expect(node, path).not.toHaveProperty('$schema');
      expect(node['additionalProperties'], path).not.toBe(false);
      expect(node, path).not.toHaveProperty('propertyNames');
      expect(
        typeof node['type'] === 'string' || node['x-kubernetes-preserve-unknown-fields'] === true,
        `${path} has a type`,
      ).toBe(true);
    }
  });

  it("keeps zod's rules: patterns, enums, bounds, required", () => {
    const service = ((spec['properties'] as Record<string, Schema>)['services']!['items'] as Schema)['properties'] as Record<
      string,
      Schema
    >;
    expect(service['name']).toMatchObject({ type: 'string', maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' });
    expect(service['autorestart']).toEqual({ type: 'string', enum: ['OFF', 'ON_FAILURE', 'ALWAYS'] });
    expect(service['containerPorts']).toMatchObject({ maxItems: 100 });
    expect(service['memory']).toMatchObject({ minimum: 4, maximum: 1048576, description: 'memory limit in MB' });
    expect(spec['required']).toEqual(['services']);
    expect(root['required']).toEqual(['spec']);
  });

  it('says with CEL what the schema cannot', () => {
    const rules = [...nodes(root)].flatMap(([path, node]) =>
      ((node['x-kubernetes-validations'] as { rule: string }[] | undefined) ?? []).map((r) => `${path}: ${r.rule}`),
    );
    expect(rules).toEqual([
      expect.stringMatching(/^: .*self\.metadata\.name/),
      expect.stringMatching(/^\.spec: .*oldSelf\.desiredState != 'Terminated'/),
      expect.stringMatching(/^\.spec: .*self\.redeploy\.revision >= oldSelf\.redeploy\.revision/),
      expect.stringMatching(/^\.spec\.redeploy: .*self\.volumesRevision <= self\.revision/),
      expect.stringMatching(/^\.spec\.services: self\.all\(s, self\.exists_one\(t, t\.name == s\.name\)\)/),
      expect.stringMatching(/^\.spec\.services: .*volumesFrom/),
      expect.stringMatching(/^\.spec\.services\[\]: .*self\.autorestart == 'ON_FAILURE'/),
      expect.stringMatching(/^\.spec\.services\[\]\.containerPorts: .*distinct/),
      expect.stringMatching(/^\.spec\.services\[\]\.bindings\[\]: has\(self\.containerPath\) \|\| has\(self\.volumesFrom\)/),
      expect.stringMatching(/^\.spec\.services\[\]\.bindings\[\]: .*!has\(self\.hostPath\)/),
    ]);
  });

  it('keeps unknown status fields but types the known ones', () => {
    const status = (root['properties'] as Record<string, Schema>)['status']!;
    expect(status['x-kubernetes-preserve-unknown-fields']).toBe(true);
    expect((status['properties'] as Record<string, Schema>)['state']!['enum']).toContain('Partly running');
  });
});

describe('toStructural', () => {
  it('drops what structural schemas do not take and bounds beyond int64', () => {
    expect(
      toStructural({
        $schema: 'x',
        type: 'object',
        additionalProperties: false,
        properties: { n: { type: 'integer', maximum: 2 ** 64, minimum: 0 }, k: { const: 'a' } },
      }),
    ).toEqual({ type: 'object', properties: { n: { type: 'integer', minimum: 0 }, k: { enum: ['a'] } } });
  });

  it('refuses unions, which a structural schema cannot express', () => {
    expect(() => toStructural({ anyOf: [{ type: 'string' }, { type: 'integer' }] })).toThrow(/"anyOf".*simplify the zod schema/);
  });
});

describe('the status schema', () => {
  it("keeps every field of a service's image record (the API server prunes what it does not list)", () => {
    // Every key, required or not: a new field fails to compile here until it is listed.
    const every: Required<ServiceImageStatus> = { reference: 'r', digest: 'd', revision: 0, serviceRevision: 1, message: 'm' };
    const services = (statusSchema()['properties'] as Record<string, Schema>)['services'] as Schema;
    const image = ((services['items'] as Schema)['properties'] as Record<string, Schema>)['image'] as Schema;
    expect(Object.keys(image['properties'] as Schema).sort()).toEqual(Object.keys(every).sort());
  });
});
