// The Stack CustomResourceDefinition, generated from the zod schema (stack.ts) so that what
// the Kubernetes API accepts and what Longshore validates in process cannot drift apart.
//
// zod's JSON Schema becomes a Kubernetes structural schema: no `$schema`, no
// `additionalProperties: false` (Kubernetes prunes unknown fields and kubectl warns about
// them; the schema may not say it), no `propertyNames`. Patterns, enums, bounds, maxItems,
// required and descriptions stay. What plain schema cannot say — the rules across services in
// crossServiceIssues, and rules about how a spec may change — is said with CEL
// (`x-kubernetes-validations`), the same rules transitions.ts applies in process.

import { stringify } from 'yaml';
import { z } from 'zod';
import { API_VERSION, GROUP, KIND, PLURAL, SERVICE_STATES, STACK_STATES, StackSpec, VERSION } from './stack.ts';

type Schema = Record<string, unknown>;

/** A CEL rule as the CRD carries it. */
export interface CelRule {
  rule: string;
  message: string;
  fieldPath?: string;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** Keys of JSON Schema that Kubernetes structural schemas do not take, or that must go. */
const DROPPED_KEYS = new Set(['$schema', 'propertyNames']);

/** zod's JSON Schema node as a structural schema node (recursively). Fails on constructs a CRD cannot carry. */
export function toStructural(node: Schema, where = 'spec'): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (key === 'additionalProperties' && value === false) continue;
    if (['anyOf', 'oneOf', 'allOf', 'not', '$ref', '$defs'].includes(key)) {
      throw new Error(`${where}: "${key}" in the generated JSON Schema has no structural equivalent; simplify the zod schema`);
    }
    if (key === 'const') out['enum'] = [value];
    else if (key === 'properties') {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, toStructural(v, `${where}.${k}`)]),
      );
    } else if (key === 'items' || key === 'additionalProperties') out[key] = toStructural(value as Schema, `${where}[]`);
    else if (
      (key === 'maximum' && BigInt(Math.trunc(value as number)) > INT64_MAX) ||
      (key === 'minimum' && BigInt(Math.trunc(value as number)) < INT64_MIN)
    )
      continue;
    else out[key] = value;
  }
  return out;
}

/** The node at `path` (property names; "[]" steps into array items). */
function at(schema: Schema, path: string[]): Schema {
  let node = schema;
  for (const step of path) {
    const next = step === '[]' ? node['items'] : (node['properties'] as Record<string, Schema> | undefined)?.[step];
    if (next === undefined) throw new Error(`the spec schema has no ${path.join('.')}: update crd.ts with stack.ts`);
    node = next as Schema;
  }
  return node;
}

function addRules(node: Schema, rules: CelRule[]): void {
  node['x-kubernetes-validations'] = [...((node['x-kubernetes-validations'] as CelRule[] | undefined) ?? []), ...rules];
}

/** The CEL rules of the spec, by where they sit (exported for tests and documentation). */
export const SPEC_RULES: { path: string[]; rules: CelRule[] }[] = [
  {
    path: [],
    rules: [
      {
        // Transition rule (oldSelf): evaluated on updates only. On the spec, not on
        // desiredState, so that removing desiredState cannot leave Terminated either.
        rule: "!has(oldSelf.desiredState) || oldSelf.desiredState != 'Terminated' || (has(self.desiredState) && self.desiredState == 'Terminated')",
        message: 'desiredState cannot leave Terminated: a terminated stack stays terminated; create a new stack',
        fieldPath: '.desiredState',
      },
      {
        rule: '!has(oldSelf.redeploy) || (has(self.redeploy) && self.redeploy.revision >= oldSelf.redeploy.revision)',
        message: 'redeploy.revision must not decrease (nor redeploy be removed): raise it to redeploy',
        fieldPath: '.redeploy.revision',
      },
    ],
  },
  {
    path: ['redeploy'],
    rules: [
      {
        rule: '!has(self.volumesRevision) || self.volumesRevision <= self.revision',
        message: 'volumesRevision must not be greater than revision',
        fieldPath: '.volumesRevision',
      },
    ],
  },
  {
    path: ['services'],
    rules: [
      { rule: 'self.all(s, self.exists_one(t, t.name == s.name))', message: 'service names must be unique in a stack' },
      // sets.contains instead of nested exists(): the same rule at a third of the estimated cost.
      {
        rule: 'self.all(s, !has(s.bindings) || sets.contains(self.map(t, t.name), s.bindings.filter(b, has(b.volumesFrom)).map(b, b.volumesFrom)))',
        message: 'every bindings[].volumesFrom must name a service of this stack',
      },
    ],
  },
  {
    path: ['services', '[]'],
    rules: [
      {
        rule: "!has(self.autorestartRetries) || (has(self.autorestart) && self.autorestart == 'ON_FAILURE')",
        message: 'a retry limit (autorestartRetries) needs autorestart ON_FAILURE',
      },
    ],
  },
  {
    path: ['services', '[]', 'containerPorts'],
    rules: [
      {
        // One number per (outerPort or 0, innerPort, protocol): a container port may be
        // published on several outer ports, each once.
        rule: "self.map(p, ((has(p.outerPort) ? p.outerPort : 0) * 65536 + p.innerPort) * 2 + (has(p.protocol) && p.protocol == 'udp' ? 1 : 0)).distinct().size() == self.size()",
        message: 'a port (innerPort, outerPort and protocol) is listed twice',
      },
    ],
  },
  {
    path: ['services', '[]', 'bindings', '[]'],
    rules: [
      { rule: 'has(self.containerPath) || has(self.volumesFrom)', message: 'a binding needs containerPath or volumesFrom' },
      {
        rule: '!has(self.volumesFrom) || (!has(self.containerPath) && !has(self.hostPath))',
        message: 'a binding with volumesFrom takes no containerPath or hostPath',
      },
    ],
  },
];

/** The spec's OpenAPI schema: zod's, made structural, with the CEL rules. */
export function specSchema(): Schema {
  const schema = toStructural(z.toJSONSchema(StackSpec, { io: 'input', unrepresentable: 'throw' }) as Schema);
  schema['description'] = "What the stack should be: its services (Docker Cloud's service parameters) and its lifecycle.";
  for (const { path, rules } of SPEC_RULES) addRules(at(schema, path), rules);
  return schema;
}

const nullableString = { type: 'string', nullable: true };
const count = { type: 'integer', minimum: 0 };

/**
 * The status the controller writes. Known fields are typed (the state names are a contract
 * with the façade and `kubectl get`); others are kept, so the controller can add fields
 * without a CRD change.
 */
export function statusSchema(): Schema {
  return {
    type: 'object',
    description: 'What the controller observed; written by the controller only.',
    'x-kubernetes-preserve-unknown-fields': true,
    properties: {
      observedGeneration: { type: 'integer', minimum: 0 },
      state: { type: 'string', enum: [...STACK_STATES] },
      synchronized: { type: 'boolean' },
      servicesReady: { type: 'string', description: 'running / total services, e.g. "2/3"' },
      deployedAt: nullableString,
      destroyedAt: nullableString,
      services: {
        type: 'array',
        items: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          required: ['name'],
          properties: {
            name: { type: 'string' },
            state: { type: 'string', enum: [...SERVICE_STATES] },
            targetContainers: count,
            currentContainers: count,
            readyContainers: count,
            endedContainers: count,
            publishedPorts: {
              type: 'array',
              description: 'where the published ports are reachable from outside, and why not on the requested port',
              items: {
                type: 'object',
                required: ['protocol', 'innerPort', 'via'],
                properties: {
                  protocol: { type: 'string', enum: ['tcp', 'udp'] },
                  innerPort: { type: 'integer', minimum: 1, maximum: 65535 },
                  outerPort: { type: 'integer', minimum: 1, maximum: 65535 },
                  requestedOuterPort: { type: 'integer', minimum: 1, maximum: 65535 },
                  via: { type: 'string', enum: ['NodePort', 'LoadBalancer', 'HostPort'] },
                  address: { type: 'string' },
                  message: { type: 'string' },
                },
              },
            },
            image: {
              type: 'object',
              description: 'the digest the image reference was resolved to and runs as, and why the last resolution failed',
              required: ['reference', 'revision'],
              properties: {
                reference: { type: 'string' },
                digest: { type: 'string' },
                revision: { type: 'integer', minimum: 0 },
                serviceRevision: { type: 'integer', minimum: 0 },
                message: { type: 'string' },
              },
            },
          },
        },
      },
      conditions: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
        items: {
          type: 'object',
          required: ['type', 'status'],
          properties: {
            type: { type: 'string' },
            status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
            reason: { type: 'string' },
            message: { type: 'string' },
            lastTransitionTime: { type: 'string', format: 'date-time' },
            observedGeneration: { type: 'integer', minimum: 0 },
          },
        },
      },
    },
  };
}

/** Stack names end up in object names and label values: a DNS-1123 label, as StackName says. */
const NAME_RULE: CelRule = {
  rule: "size(self.metadata.name) <= 63 && self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
  message:
    "a Stack's name must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
};

export function stackCrd(): Schema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${PLURAL}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { kind: KIND, listKind: `${KIND}List`, plural: PLURAL, singular: KIND.toLowerCase(), shortNames: ['stk'] },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'State', type: 'string', jsonPath: '.status.state' },
            { name: 'Services', type: 'string', jsonPath: '.status.servicesReady', description: 'running / total services' },
            { name: 'Synchronized', type: 'boolean', jsonPath: '.status.synchronized' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: `A Docker Cloud stack run on Kubernetes (${API_VERSION}).`,
              required: ['spec'],
              'x-kubernetes-validations': [NAME_RULE],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: specSchema(),
                status: statusSchema(),
              },
            },
          },
        },
      ],
    },
  };
}

/**
 * The CRD file's content: what `npm run crd` writes to crds/stacks.longshore.io.yaml. Written
 * for YAML 1.1 readers (kubectl's): strings such as OFF, which YAML 1.1 reads as false, are quoted.
 */
export function crdYaml(): string {
  const header = '# Generated by `npm run crd` (src/model/generate-crd.ts) from src/model/stack.ts. Do not edit by hand.\n';
  return header + stringify(stackCrd(), { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}
