// What a spec the schema allows still cannot be deployed in its namespace (a privileged
// container or a host path the namespace's Pod Security level forbids, a reserved name, an
// alias that clashes): the translation's problems, as field errors, so the façade can refuse a
// request up front instead of storing a stack the controller would report as Degraded. Whether
// a link's target outside the stack exists (another stack's service, a plain Service) is the
// façade's link check (link-check.ts), which reads the namespace: here every such target is
// taken to exist.

import { isPublished } from '../model/defaults.ts';
import type { FieldError } from '../model/errors.ts';
import type { Problem } from '../model/problem.ts';
import { API_VERSION, KIND, type Stack, type StackSpec } from '../model/stack.ts';
import { desiredObjects } from './desired.ts';
import { DEFAULT_NODE_PORT_RANGE, type TranslateOptions } from './options.ts';
import { DEFAULT_POD_SECURITY_LEVEL, type PodSecurityLevel } from './pod-security.ts';
import { EMPTY_SURROUNDINGS, type Surroundings } from './surroundings.ts';

/** Where the spec is to be deployed. */
export interface PolicyTarget {
  namespace: string;
  /** The Stack's name: its children's names and the names reserved in its DNS domain come from it. */
  name: string;
  /** The namespace's Pod Security level (NamespaceLevels.levelOf). */
  podSecurityLevel: PodSecurityLevel;
}

const PROBE: PolicyTarget = { namespace: 'policy-check', name: 'policy-check', podSecurityLevel: DEFAULT_POD_SECURITY_LEVEL };

export function refusedByConfiguration(spec: StackSpec, options: TranslateOptions, target: PolicyTarget = PROBE): FieldError[] {
  return policyProblems(spec, options, target).map((p) => {
    const index = spec.services.findIndex((s) => s.name === p.service);
    const where = index < 0 ? '' : `services[${index}] (${p.service})${p.field ? `.${p.field}` : ''}`;
    return { field: where, message: p.message };
  });
}

/**
 * The translation's problems with the spec deployed at `target`, every link's target taken to
 * exist: what the façade refuses and `longshore convert` too. A target namespace of "" is a
 * namespace not known yet (convert without --namespace); messages then speak of "a namespace".
 */
export function policyProblems(spec: StackSpec, options: TranslateOptions, target: PolicyTarget = PROBE): Problem[] {
  const probe: Stack = {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: target.name, namespace: target.namespace, uid: 'policy-check' },
    spec: { ...spec, desiredState: 'Running' },
  };
  // Whatever a link names outside the stack is taken to exist (link-check.ts asks the
  // namespace): another stack, running, with the service named; a Service with a cluster IP.
  const wanted = new Map<string, Set<string>>();
  for (const link of spec.services.flatMap((s) => s.linkedToService ?? [])) {
    const [service = '', other] = link.toService.split('.');
    if (other !== undefined && other !== target.name) wanted.set(other, (wanted.get(other) ?? new Set()).add(service));
  }
  const surroundings: Surroundings = {
    ...EMPTY_SURROUNDINGS,
    stack: (name) => {
      const services = wanted.get(name);
      if (services === undefined) return undefined;
      return {
        apiVersion: API_VERSION,
        kind: KIND,
        metadata: { name, namespace: target.namespace },
        spec: { desiredState: 'Running', services: [...services].map((s) => ({ name: s, image: 'policy-check' })) },
      };
    },
    plainService: (name) => ({ name, clusterIP: '0.0.0.0', ports: [] }),
    podSecurityLevel: target.podSecurityLevel,
  };
  return desiredObjects(probe, options, surroundings).problems;
}

/** A Service of the cluster holding a node port (node ports are one pool for the whole cluster). */
export interface NodePortHolder {
  namespace: string;
  name: string;
  /** Its longshore.io/stack label: the stack that made it, if any. */
  stack?: string;
}

/** The node ports a spec asks for: published outer ports inside the range, with NodePort Services. */
export function requestedNodePorts(
  spec: StackSpec,
  options: TranslateOptions,
): { service: number; index: number; port: number }[] {
  if (options.publishMode !== 'NodePort') return [];
  const range = options.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;
  return spec.services.flatMap((s, service) =>
    (s.containerPorts ?? []).flatMap((p, index) =>
      isPublished(p) && p.outerPort !== undefined && p.outerPort >= range.min && p.outerPort <= range.max
        ? [{ service, index, port: p.outerPort }]
        : [],
    ),
  );
}

/**
 * The requested node ports another object already holds: a Service of another namespace, or
 * of this one that is not this stack's. (This stack's own Services keep their ports across an
 * update.) The API server would refuse the Service ("provided port is already allocated")
 * long after the request was accepted; refused up front instead.
 */
export function nodePortConflicts(
  spec: StackSpec,
  options: TranslateOptions,
  stack: { namespace: string; name: string },
  holders: ReadonlyMap<number, NodePortHolder>,
): FieldError[] {
  return requestedNodePorts(spec, options).flatMap(({ service, index, port }) => {
    const holder = holders.get(port);
    if (holder === undefined || (holder.namespace === stack.namespace && holder.stack === stack.name)) return [];
    const name = spec.services[service]?.name ?? '';
    return [
      {
        field: `services[${service}] (${name}).containerPorts[${index}].outerPort`,
        message: `node port ${port} is already allocated to Service "${holder.name}" of namespace "${holder.namespace}"; node ports are shared by the whole cluster: choose another outer port, or leave it out to get a free one`,
      },
    ];
  });
}
