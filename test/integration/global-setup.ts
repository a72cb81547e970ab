// Integration tests run against a real cluster: the one named by LONGSHORE_TEST_KUBECONFIG
// or KUBECONFIG (kind, for example), or else the local control plane, started once per run
// and stopped at the end. The Stack CRD is installed either way, and the dashboard built.
import type { TestProject } from 'vitest/node';
import { down, readState, up } from '../../src/localcluster/cluster.ts';
import { isOurs } from '../../src/localcluster/process.ts';
import { buildUi } from '../../ui/build.ts';
import { installCrd } from './support/crd.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    localCluster: boolean;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env['LONGSHORE_TEST_KUBECONFIG'] || process.env['KUBECONFIG'];
  let kubeconfig: string;
  let stopAtEnd = false;
  if (given) {
    kubeconfig = given.split(':')[0]!;
  } else {
    const before = await readState();
    const wasRunning = !!before && before.processes.length > 0 && before.processes.every(isOurs);
    const state = await up({ log: (l) => process.stderr.write(`[cluster] ${l}\n`) });
    kubeconfig = state.kubeconfig;
    stopAtEnd = !wasRunning;
  }
  await installCrd(kubeconfig);
  // The dashboard's page, which the façade serves from dist/ui (a second or so).
  await buildUi();
  project.provide('kubeconfig', kubeconfig);
  project.provide('localCluster', !given);
  return async () => {
    if (stopAtEnd) await down();
  };
}
