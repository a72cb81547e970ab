// Runs Longshore (controller and façade) in the test process against the test cluster, with
// settings that make tests quick: short progress deadline and retention, ephemeral ports.
import type { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { type Longshore, startLongshore } from '../../../src/main/app.ts';
import { loadConfig } from '../../../src/main/config.ts';
import { atEnd } from './cleanup.ts';
import { kubeConfig } from './cluster.ts';

export const TEST_SETTINGS: Record<string, string> = {
  LONGSHORE_PORT: '0',
  LONGSHORE_OPS_PORT: '0',
  LONGSHORE_LEADER_ELECTION: 'false',
  LONGSHORE_PROGRESS_DEADLINE_SECONDS: '8',
  LONGSHORE_TERMINATED_RETENTION_SECONDS: '5',
  LONGSHORE_LOG_LEVEL: process.env['LONGSHORE_TEST_LOG_LEVEL'] ?? 'warn',
  // The stacks of most tests name Docker Hub images, which a test machine may not reach: their
  // images run as written. The digest tests (autoredeploy.test.ts) turn resolution on.
  LONGSHORE_RESOLVE_DIGESTS: 'false',
};

/**
 * Runs Longshore scoped to one namespace, so test files running side by side each have a
 * controller of their own. It is stopped after the file's last test.
 */
export async function runLongshore(
  namespace: string,
  settings: Record<string, string> = {},
  kc: KubeConfig = kubeConfig(),
): Promise<Longshore> {
  const config = loadConfig({
    ...TEST_SETTINGS,
    LONGSHORE_WATCH_NAMESPACE: namespace,
    LONGSHORE_DEFAULT_NAMESPACE: namespace,
    ...settings,
  });
  const app = await startLongshore({ config, kubeConfig: kc, logger: pino({ level: config.LONGSHORE_LOG_LEVEL }) });
  atEnd(() => app.stop());
  await app.controller.startCaches();
  return app;
}
