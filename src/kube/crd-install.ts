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
  Watch,
} from '@kubernetes/client-node';
import { parse } from 'yaml';
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
  // The API server reports Established once it serves the new resource: watch for it, from
  // the version the apply answered with.
  await new Promise<void>((resolve, reject) => {
    let done = false;
    let request: AbortController | undefined;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      request?.abort();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(
      () => finish(new Error(`the CRD ${name} was not Established within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    new Watch(kc)
      .watch(
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        {
          fieldSelector: `metadata.name=${name}`,
          resourceVersion: applied.metadata?.resourceVersion,
          timeoutSeconds: Math.ceil(timeoutMs / 1000) + 5,
        },
        (_type, obj: V1CustomResourceDefinition) => {
          if (established(obj)) finish();
        },
        (err?: Error) => finish(err ?? new Error(`the watch on the CRD ${name} ended before it was Established`)),
      )
      .then(
        (controller) => {
          request = controller;
          if (done) controller.abort();
        },
        (err: Error) => finish(err),
      );
  });
}

function established(crd: V1CustomResourceDefinition): boolean {
  return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
}
