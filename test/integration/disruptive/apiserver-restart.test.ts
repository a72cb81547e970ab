// The API server restarting under a running controller: watches are re-established and the
// controller keeps converging. It restarts the local control plane's kube-apiserver process, so
// it runs only there, and in the "disruptive" project, alone, after every other test file.
import { describe, inject, it } from 'vitest';
import { restartComponent } from '../../../src/localcluster/cluster.ts';
import { createTestNamespace, kubeConfig } from '../support/cluster.ts';
import { runLongshore } from '../support/longshore.ts';
import { StackClient } from '../support/stacks.ts';

const kc = kubeConfig();
const restartNs = await createTestNamespace('restart');

describe('when the API server restarts', () => {
  it.skipIf(!inject('localCluster'))('recovers its watches and keeps converging (local control plane only)', async () => {
    const stacks = new StackClient(kc, restartNs);
    await runLongshore(restartNs);
    await stacks.create('restart', { desiredState: 'Running', services: [{ name: 'restart-web', image: 'nginx:1.27' }] });
    await stacks.waitForState('restart', 'Running');
    await restartComponent('kube-apiserver');
    await stacks.patchSpec('restart', { desiredState: 'Stopped' });
    await stacks.waitForState('restart', 'Stopped', 90_000);
    await stacks.patchSpec('restart', { desiredState: 'Running' });
    await stacks.waitForState('restart', 'Running', 60_000);
  });
});
