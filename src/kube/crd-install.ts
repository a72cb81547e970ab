// Installs (or upgrades) the Stack CRD by server-side apply and waits (by a watch) until it is served.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiextensionsV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { pino } from 'pino';
import { parse } from 'yaml';
import { Informer } from '../runtime/informer.ts';
import { watchUntil } from '../runtime/watch-until.ts';
import { FIELD_MANAGER } from './children.ts';

export const CRD_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../../crds/stacks.longshore.io.yaml');

export async function installCrd(kc: KubeConfig, file = CRD_FILE, timeoutMs = 60_000): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const crd = parse(await readFile(file, 'utf8')) as V1CustomResourceDefinition;
  const name = crd.metadata!.name!;
  const applied = await api.patchCustomResourceDefinition(
    { name, body: crd, fieldManager: FIELD_MANAGER, force: true },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  );
  if (established(applied)) return;
  // The API server reports Established once it serves the new resource: watch for it.
  const crds = new Informer<V1CustomResourceDefinition>({
    name: 'crd',
    kubeConfig: kc,
    logger: pino({ level: 'silent' }),
    path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    fieldSelector: `metadata.name=${name}`,
    list: (o) => api.listCustomResourceDefinition(o),
  });
  await watchUntil(
    crds,
    () => established(crds.get(`/${name}`)),
    timeoutMs,
    () => new Error(`the CRD ${name} was not Established within ${timeoutMs / 1000} s`),
  );
}

function established(crd: V1CustomResourceDefinition | undefined): boolean {
  return crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
}
