// Builders for the translation's tests: a Stack as the controller reads it from the API.
import type { ServiceSpec, Stack, StackSpec } from '../../../src/model/stack.ts';
import { desiredObjects, type Translation } from '../../../src/translate/desired.ts';
import type {
  DaemonSetObject,
  DeploymentObject,
  EndpointSliceObject,
  JobObject,
  KubeObject,
  PersistentVolumeClaimObject,
  ServiceObject,
} from '../../../src/translate/kube-object.ts';
import { defaultTranslateOptions, type TranslateOptions } from '../../../src/translate/options.ts';
import { EMPTY_SURROUNDINGS, type Surroundings } from '../../../src/translate/surroundings.ts';

export function service(name: string, extra: Partial<ServiceSpec> = {}): ServiceSpec {
  return { name, image: `example/${name}:1`, ...extra };
}

export function stack(services: ServiceSpec[], spec: Partial<StackSpec> = {}, metadata: Partial<Stack['metadata']> = {}): Stack {
  return {
    apiVersion: 'longshore.io/v1alpha1',
    kind: 'Stack',
    metadata: { name: 'shop', namespace: 'team-a', uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427', generation: 1, ...metadata },
    spec: { desiredState: 'Running', ...spec, services },
  };
}

export function translate(s: Stack, options: Partial<TranslateOptions> = {}, surroundings?: Partial<Surroundings>): Translation {
  return desiredObjects(s, { ...defaultTranslateOptions, ...options }, { ...EMPTY_SURROUNDINGS, ...surroundings });
}

/** Translates one running service and returns its objects by kind, failing on problems. */
export function translateOne(
  svc: ServiceSpec,
  options: Partial<TranslateOptions> = {},
  siblings: ServiceSpec[] = [],
  surroundings?: Partial<Surroundings>,
) {
  const t = translate(stack([svc, ...siblings]), options, surroundings);
  if (t.problems.length > 0) throw new Error(`unexpected problems: ${JSON.stringify(t.problems)}`);
  return { ...pick(t.objects, svc.name), all: t.objects };
}

/** The objects made for one service of the stack (found by their longshore.io/service label). */
export function pick(objects: readonly KubeObject[], name: string) {
  const find = <K extends KubeObject['kind']>(kind: K) =>
    objects.find(
      (o): o is Extract<KubeObject, { kind: K }> => o.kind === kind && o.metadata.labels['longshore.io/service'] === name,
    );
  const deployment = find('Deployment') as DeploymentObject | undefined;
  const daemonSet = find('DaemonSet') as DaemonSetObject | undefined;
  const job = find('Job') as JobObject | undefined;
  const svc = find('Service') as ServiceObject | undefined;
  const workload = deployment ?? daemonSet ?? job;
  const podSpec = workload?.spec?.template.spec;
  return {
    deployment,
    daemonSet,
    job,
    service: svc,
    template: workload?.spec?.template,
    podSpec,
    container: podSpec?.containers[0],
  };
}

export function claims(objects: readonly KubeObject[]): PersistentVolumeClaimObject[] {
  return objects.filter((o): o is PersistentVolumeClaimObject => o.kind === 'PersistentVolumeClaim');
}

export function envOf(container: { env?: { name: string; value?: string }[] } | undefined): Record<string, string | undefined> {
  return Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value]));
}

/** The stack's DNS names as its EndpointSlice publishes them: hostname → addresses. */
export function dnsNames(objects: readonly KubeObject[]): Record<string, string[]> {
  const slice = objects.find((o): o is EndpointSliceObject => o.kind === 'EndpointSlice');
  const out: Record<string, string[]> = {};
  for (const e of slice?.endpoints ?? []) out[e.hostname ?? ''] = [...(out[e.hostname ?? ''] ?? []), ...e.addresses];
  return out;
}
