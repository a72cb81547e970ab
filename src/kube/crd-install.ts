// Installs (or upgrades) the Stack CRD by server-side apply and waits until it is served.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  ApiextensionsV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { parse } from 'yaml';
import { FIELD_MANAGER } from './children.ts';

export const CRD_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../../crds/stacks.longshore.io.yaml');

export async function installCrd(kc: KubeConfig, file = CRD_FILE, timeoutMs = 60_000): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const crd = parse(await readFile(file, 'utf8')) as V1CustomResourceDefinition;
  const name = crd.metadata!.name!;
  await api.patchCustomResourceDefinition(
    { name, body: crd, fieldManager: FIELD_MANAGER, force: true },
    setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
  );
  // The API server reports Established once it serves the new resource; only a read tells.
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const got = await api.readCustomResourceDefinition({ name });
    if (got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    await delay(100);
  }
  throw new Error(`the CRD ${name} was not Established within ${timeoutMs / 1000} s`);
}
