// What the façade needs from the rest of the process, injected so that unit tests run it
// against in-memory fakes and main wires it to the informer cache and the Kubernetes API.
import type { Logger } from 'pino';
import type { FieldError } from '../model/errors.ts';
import type { Stack, StackSpec } from '../model/stack.ts';
import type { DashboardDeps } from './dashboard/deps.ts';
import type { ServiceLookup } from './link-check.ts';

/**
 * Reads from the shared informer cache. Never waits on the API server: a request is answered
 * from what the cache holds (plus the façade's own recent writes, see stack-view.ts).
 */
export interface StackReader {
  /** The cached Stacks of one namespace, in list order (stack-order.ts: oldest first, then by name). */
  list(namespace: string): readonly Stack[];
  /** Every cached Stack, any namespace (used to find the stack an action belongs to). */
  listAll(): readonly Stack[];
  /** The cached Stack with this metadata.uid, any namespace. */
  byUid(uid: string): Stack | undefined;
  /** The cached Stacks holding a trigger with this uuid (an index: triggers.ts). */
  byTrigger(uuid: string): readonly Stack[];
  /**
   * Optional: the newest resourceVersion the cache has caught up with (its list's, or its last
   * watch event's or bookmark's). It lets the façade tell a Stack deleted since this process
   * wrote it from one the cache has not received yet, without asking the API server.
   */
  resourceVersion?(): string | undefined;
}

/** A JSON merge patch (RFC 7386) of a Stack; carry metadata.resourceVersion as a precondition. */
export interface StackPatch {
  metadata?: { resourceVersion?: string; annotations?: Record<string, string | null> };
  spec?: Record<string, unknown>;
}

/** Writes through the Kubernetes API; every method answers with what the API server returned. */
export interface StackWriter {
  create(namespace: string, stack: Stack): Promise<Stack>;
  patch(namespace: string, name: string, patch: StackPatch): Promise<Stack>;
  /** A fresh read from the API server, used only to retry after a write conflict. */
  get(namespace: string, name: string): Promise<Stack | undefined>;
}

/** Who the caller is, as Kubernetes' TokenReview says. */
export interface Identity {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** The verbs checked on `stacks.longshore.io` (update and actions are patches). */
export type Verb = 'get' | 'list' | 'create' | 'patch' | 'delete';

/** Authentication and authorization are Kubernetes': TokenReview and SubjectAccessReview. */
export interface Authenticator {
  /** The identity behind a bearer token, or null when the token is not valid. */
  authenticate(token: string): Promise<Identity | null>;
  /** Whether the identity may do `verb` on stacks.longshore.io in `namespace`. */
  authorize(identity: Identity, namespace: string, verb: Verb): Promise<boolean>;
}

export interface FacadeConfig {
  /** The namespace of requests without one, for callers that are not ServiceAccounts. */
  defaultNamespace: string;
  /** Larger request bodies are refused with 413. */
  bodyLimitBytes: number;
  /** Page size of lists when the request names no `limit`. */
  pageLimit: number;
  /** The largest page a list returns (also what `limit=0` means). */
  maxPageLimit: number;
  /** How many actions a Stack's annotation keeps. */
  actionHistory: number;
  /** How long the façade prefers its own write over an older cached copy, in ms. */
  readYourWritesMs: number;
  /** How long a write the cache lacks is believed before asking the API server, in ms. */
  readYourWritesGraceMs: number;
  /** Calls a minute one trigger takes (per process). */
  triggerCallsPerMinute: number;
  /** Calls a minute all triggers together take (per process): a token bucket that size. */
  triggerCallsPerMinuteTotal: number;
}

export const DEFAULT_FACADE_CONFIG: FacadeConfig = {
  defaultNamespace: 'default',
  bodyLimitBytes: 1024 * 1024,
  pageLimit: 25,
  maxPageLimit: 1000,
  actionHistory: 10,
  readYourWritesMs: 60_000,
  readYourWritesGraceMs: 2_000,
  triggerCallsPerMinute: 10,
  triggerCallsPerMinuteTotal: 120,
};

export interface FacadeDeps {
  reader: StackReader;
  writer: StackWriter;
  authenticator: Authenticator;
  logger: Logger;
  config?: Partial<FacadeConfig>;
  /** Called once per request: the matched route template (or "unmatched"), status, duration. */
  onRequest?: (route: string, status: number, seconds: number, method: string) => void;
  /**
   * What the stack's namespace and this operator's configuration refuse in a spec that the
   * schema allows (a host path or a privileged container the namespace's Pod Security level
   * forbids, a node port already taken, say): checked before a create, and before an update
   * of the services, so such a request gets a 400 naming the field instead of a stack the
   * controller cannot deploy.
   */
  policy?: (spec: StackSpec, stack: { namespace: string; name: string }) => FieldError[] | Promise<FieldError[]>;
  /**
   * Reads a Service of a namespace, for links to a name outside the stack (link-check.ts).
   * Absent: such links are refused.
   */
  lookupService?: ServiceLookup;
  /** The web dashboard under /ui/ (dashboard/routes.ts); absent, /ui/ is not served. */
  dashboard?: DashboardDeps;
  /**
   * The secret in the registry webhook's URL (LONGSHORE_WEBHOOK_TOKEN); absent: the webhook
   * endpoint does not exist.
   */
  webhookToken?: string;
  /** The clock (tests pass a fake one). */
  now?: () => Date;
  /** New action uuids (tests pass a deterministic source). */
  newUuid?: () => string;
}
