// What a StackReconciler is given (caches, clients, writers, the translation, the clock, the
// rules) and what one reconcile answers. What it remembers between reconciles is its own
// (stack-reconciler.ts): the wiring injects dependencies, never state.
import type { V1Secret } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ChildClient, ChildKind } from '../kube/children.ts';
import type { Stack, StackStatus } from '../model/stack.ts';
import { statusOf } from '../runtime/api-error.ts';
import type { Surroundings, Translation } from '../translate/index.ts';
import type { Caches } from './caches.ts';
import type { Recorder } from './events.ts';
import type { ImageResolver } from './image-resolver.ts';
import type { StatusRules } from './status.ts';
import type { StatusWriter } from './status-writer.ts';
import type { ServiceReader } from './surroundings.ts';

export type Translator = (stack: Stack, surroundings: Surroundings) => Translation;

export interface ReconcileDeps {
  caches: Caches;
  clients: Record<ChildKind, ChildClient>;
  translate: Translator;
  /** Reads a Service of a namespace (a link's plain Service target). */
  readService: ServiceReader;
  writeStatus: StatusWriter;
  record: Recorder;
  logger: Logger;
  now: () => Date;
  /** How long a Terminated stack stays visible before it is deleted. */
  terminatedRetentionMs: number;
  deleteStack: (namespace: string, name: string, uid: string) => Promise<void>;
  /** Deletes a Pod by name, only if it still has this uid (autodestroy). */
  deletePod: (namespace: string, name: string, uid: string) => Promise<void>;
  rules: StatusRules;
  /**
   * Creates a Secret (a stack's ServiceAccount token Secret); false when the name is taken.
   * Longshore may create Secrets, never read them.
   */
  createSecret: (secret: V1Secret) => Promise<boolean>;
  /**
   * Resolves image tags to the digests the services run at (src/controller/images.ts); absent
   * when digest resolution is off (LONGSHORE_RESOLVE_DIGESTS=false): images run as written.
   */
  images?: ImageResolver;
  /** Counts API writes, for metrics and the replay test. */
  onWrite?: (verb: 'apply' | 'delete' | 'status' | 'create', kind: string) => void;
}

/** Writes a Stack's status unless it shows it already; answers the Stack as it now is. */
export type StatusWrite = (stack: Stack, status: StackStatus) => Promise<Stack>;

/** Reads and writes of one stack's children (and pods) in flight at once. */
export const CHILD_CONCURRENCY = 8;

/** A delete that finds the object gone (404) or already replaced (409, the uid precondition) is done. */
export function goneAlready(err: unknown): void {
  if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
}
