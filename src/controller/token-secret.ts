// The token Secret of a stack's ServiceAccount (roles: [global]): created, never applied and
// never read (Longshore may not read Secrets).
import type { Logger } from 'pino';
import type { Stack } from '../model/stack.ts';
import {
  controlledBy,
  SERVICE_ACCOUNT_NAME_ANNOTATION,
  SERVICE_ACCOUNT_UID_ANNOTATION,
  type SecretObject,
} from '../translate/index.ts';
import type { ReconcileDeps } from './reconcile-deps.ts';

/**
 * The token Secret of the stack's ServiceAccount (roles: [global]), created once the
 * ServiceAccount is in the cache and controlled by this stack, pinned to its uid: Kubernetes'
 * token controller then fills it with a token of that very ServiceAccount, or deletes it if
 * the ServiceAccount is gone or another. The ServiceAccount's watch event brings the stack back
 * once it has been applied. A name already taken counts as done: the Secret is never read, so
 * a Secret someone else put there is not told apart (whoever may create Secrets there may
 * also change the stack's pods).
 *
 * `created` holds, by stack key, the ServiceAccount uid and redeploy revision the Secret was
 * last created (or found taken) for, so that it is created once per ServiceAccount and again
 * on a redeploy (the way to renew a deleted token; see docs/security.md), and once after a
 * restart.
 */
export async function createTokenSecret(
  stack: Stack,
  secret: SecretObject,
  deps: ReconcileDeps,
  created: Map<string, string>,
  log: Logger,
): Promise<void> {
  const { namespace } = stack.metadata;
  const account = deps.caches.children.ServiceAccount.get(
    `${namespace}/${secret.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION]}`,
  );
  const uid = account?.metadata?.uid;
  if (
    account === undefined ||
    uid === undefined ||
    !controlledBy(account, stack.metadata.uid) ||
    account.metadata?.deletionTimestamp
  )
    return;
  const key = `${namespace}/${stack.metadata.name}`;
  const mark = `${uid}/${stack.spec.redeploy?.revision ?? 0}`;
  if (created.get(key) === mark) return;
  const made = await deps.createSecret({
    ...secret,
    metadata: { ...secret.metadata, annotations: { ...secret.metadata.annotations, [SERVICE_ACCOUNT_UID_ANNOTATION]: uid } },
  });
  if (made) {
    deps.onWrite?.('create', 'Secret');
    log.info({ kind: 'Secret', child: secret.metadata.name }, 'created the API token Secret');
  }
  created.set(key, mark);
}
