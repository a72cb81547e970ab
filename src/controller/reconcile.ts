// reconcile(key): level-triggered. Reads the Stack and its children from the caches, applies
// what the translation wants (server-side apply, one field manager), prunes what it no longer
// wants, and writes the status derived from what the cluster reports. Whatever happened
// before, running it again converges; running it on a converged stack writes nothing.
//
// Failures are told in status, not only in Events: a child the API server refuses (4xx:
// admission, validation, a quota, a NodePort already allocated) does not stop the others from
// being applied; it is reported at once (Synced=False ReconcileError, Degraded=True
// ApplyFailed, the service's entry) and the reconcile then fails, so that the key is retried
// with backoff. A failure that may pass by itself (5xx, 429, a network error) fails the
// reconcile as before, and is reported in status only when it persists past one retry: as
// Synced=False, and as a failure of the service (Degraded) once it has lasted.
//
// A state change's Event is recorded before the status write that makes the change visible:
// a process dying in between leaves the status as it was, and the next reconcile derives the
// same change and records it again (a duplicate, never a gap).
import { createHash } from 'node:crypto';
import type { KubernetesObject, V1PodTemplateSpec, V1Secret, V1Service } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { describeError, errorMessage, isTransient, statusOf } from '../kube/api-error.ts';
import { CHILD_KINDS, type ChildClient, type ChildKind } from '../kube/children.ts';
import { isNewerResourceVersion } from '../kube/resource-version.ts';
import { type Condition, type Stack, StackSpec, type StackState, type StackStatus } from '../model/stack.ts';
import { mergeConditions } from '../states/conditions.ts';
import { reasonOf, WARNINGS_CONDITION, WARNINGS_REASON, warningsCondition } from '../states/derive.ts';
import { type ApplyFailure, type Conflict, type DerivedCondition, formatApplyFailure } from '../states/input.ts';
import { TRANSITIONAL_STATES } from '../states/kinds.ts';
import { autodestroy, workloadKind } from '../translate/defaults.ts';
import {
  blockedServices,
  controlledBy,
  formatProblem,
  type Problem,
  SERVICE_ACCOUNT_NAME_ANNOTATION,
  SERVICE_ACCOUNT_UID_ANNOTATION,
  type SecretObject,
  type ServiceObject,
  type Surroundings,
  serviceChildName,
  serviceNeedsRecreate,
  type Translation,
} from '../translate/index.ts';
import { allBounded } from '../util/bounded.ts';
import { stableStringify } from '../util/stable-json.ts';
import { type Caches, cachedSpecEditors, GRANT_FIELDS, SERVICE_LABEL } from './caches.ts';
import type { Recorder } from './events.ts';
import type { ImageResolver } from './image-resolver.ts';
import { recordImageEvents, stackImages } from './images.ts';
import { computeStatus, type StatusRules, statusEqual } from './status.ts';
import type { StatusWriter } from './status-writer.ts';
import { observeSurroundings, type ServiceReader } from './surroundings.ts';

export const SPEC_HASH_ANNOTATION = 'longshore.io/spec-hash';

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
  /** The generation each child had right after our last apply, by uid: drift shows as a newer one. */
  appliedGenerations: Map<string, number>;
  /**
   * The resourceVersion each Stack had right after our last status write, by key, until the
   * cache has caught up with it. A cached copy older than that is known to be stale.
   */
  statusVersions: Map<string, string>;
  /**
   * Creates a Secret (a stack's ServiceAccount token Secret); false when the name is taken.
   * Longshore may create Secrets, never read them.
   */
  createSecret: (secret: V1Secret) => Promise<boolean>;
  /**
   * By stack key: the ServiceAccount uid and redeploy revision the token Secret was last
   * created (or found taken) for, so that it is created once per ServiceAccount and again on
   * a redeploy (the way to renew a deleted token; see docs/security.md).
   */
  tokenSecrets: Map<string, string>;
  /**
   * Resolves image tags to the digests the services run at (src/controller/images.ts); absent
   * when digest resolution is off (LONGSHORE_RESOLVE_DIGESTS=false): images run as written.
   */
  images?: ImageResolver;
  /** Counts API writes, for metrics and the replay test. */
  onWrite?: (verb: 'apply' | 'delete' | 'status' | 'create', kind: string) => void;
}

export interface ReconcileResult {
  /** Look again after this long even if nothing changes (retention ending). */
  requeueAfterMs?: number;
  /**
   * Nothing was done: the cache is behind our own last status write. Not a success: a key that
   * was failing keeps its count of failures (and so its backoff and what status says of it).
   */
  deferred?: boolean;
}

export interface ReconcileContext {
  /** Failed attempts at this key in a row before this one (the work queue's count). */
  retries?: number;
}

/**
 * Records an Event for each warning when the Warnings condition the status shows does not list
 * them yet (a new spec, or a first reconcile), not at every reconcile. Awaited before any
 * status write that would show them: a process dying in between records them again (a
 * duplicate, never a gap).
 */
async function recordNewWarnings(stack: Stack, warnings: readonly Problem[], deps: ReconcileDeps): Promise<void> {
  if (warnings.length === 0) return;
  const shown = stack.status?.conditions?.find((c) => c.type === WARNINGS_CONDITION);
  const next = warningsCondition(warnings);
  if (shown?.status === next.status && shown.message === next.message) return;
  await Promise.all(warnings.map((w) => deps.record(stack, 'Warning', WARNINGS_REASON, formatProblem(w))));
}

/**
 * Some children were not applied (reported in the Stack's status): the reconcile fails so that
 * the key is retried with backoff. No HTTP status of its own: the error policy backs off.
 */
export class ApplyFailedError extends Error {
  readonly failures: readonly ApplyFailure[];
  constructor(failures: readonly ApplyFailure[]) {
    super(`not applied: ${failures.map(formatApplyFailure).join('; ')}`);
    this.name = 'ApplyFailedError';
    this.failures = failures;
  }
}

/** A child whose apply failed, with the error and whether a retry may cure it. */
interface FailedApply {
  failure: ApplyFailure;
  error: unknown;
  transient: boolean;
}

/**
 * How soon a stack whose link names nothing that exists looks again: a plain Service is not
 * watched (another stack is: its creation wakes the stacks that link to it).
 */
const MISSING_LINK_RECHECK_MS = 30_000;

function specHash(obj: KubernetesObject): string {
  return createHash('sha256').update(stableStringify(obj)).digest('base64url').slice(0, 22);
}

/**
 * Failed attempts in a row after which a failure that may pass by itself (5xx, 429, a network
 * error) counts as a failure of the service: the work queue's backoff (50 ms doubling) has
 * then spent about 50 s.
 */
const LASTING_FAILURE_RETRIES = 10;

/** Reads and writes of one stack's children in flight at once. */
const CHILD_CONCURRENCY = 8;

/**
 * Records the Event of a state change; awaited before the status write that shows the change.
 * Never folded into an earlier identical Event: the same change may happen twice in a minute.
 */
function recordStateChange(stack: Stack, to: StackState, deps: ReconcileDeps): Promise<void> {
  return deps.record(stack, 'Normal', reasonOf(to), `stack is ${to}`, { fold: false });
}

export async function reconcile(key: string, deps: ReconcileDeps, ctx: ReconcileContext = {}): Promise<ReconcileResult> {
  const stack = deps.caches.stacks.get(key) as Stack | undefined;
  // Gone or going: owner references let the garbage collector remove the children.
  if (!stack || stack.metadata.deletionTimestamp) {
    deps.statusVersions.delete(key);
    return {};
  }
  const { namespace, name } = stack.metadata;
  const log = deps.logger.child({ namespace, name });
  // The cache has not yet received our own last status write: a status derived from this copy
  // would be refused (409). The watch event of that write brings the key back.
  const written = deps.statusVersions.get(key);
  if (written !== undefined) {
    if (isNewerResourceVersion(written, stack.metadata.resourceVersion)) {
      log.debug({ cached: stack.metadata.resourceVersion, written }, 'cache behind our status write; waiting for it');
      return { deferred: true };
    }
    deps.statusVersions.delete(key);
  }

  const parsed = StackSpec.safeParse(stack.spec);
  if (!parsed.success) {
    // The CRD's schema should have refused it; say so in status rather than act on it.
    const message = parsed.error.issues.map((i) => `spec.${i.path.join('.')}: ${i.message}`).join('; ');
    const status = computeStatus({
      stack,
      caches: deps.caches,
      problems: [],
      notices: [],
      conflicts: [],
      invalid: message,
      now: deps.now(),
      rules: deps.rules,
    });
    const from = stack.status?.state;
    if (status.state !== undefined && status.state !== from) await recordStateChange(stack, status.state, deps);
    await writeStatusIfChanged(stack, status, deps);
    if (status.state !== from) log.info({ from: from ?? null, to: status.state }, 'state changed');
    return {};
  }

  const images = deps.images === undefined ? undefined : await stackImages(stack, deps.images);
  const observed = await observeSurroundings(stack, deps.caches, deps.readService);
  const surroundings = images === undefined ? observed : { ...observed, imageDigest: (s: string) => images.pins.get(s)?.digest };
  const translation = deps.translate(stack, surroundings);
  if (images !== undefined) await recordImageEvents(stack, images, deps.record);
  const { objects, problems, notices, warnings } = translation;
  for (const p of problems) void deps.record(stack, 'Warning', 'InvalidService', formatProblem(p));
  for (const p of notices) void deps.record(stack, 'Warning', 'LinkTargetNotRunning', formatProblem(p));
  await recordNewWarnings(stack, warnings, deps);
  // A service with a problem is left out of the translation; its existing children stay as
  // they are (no data lost to a typo). A stack-wide problem keeps every child.
  const blocked = blockedServices(translation);
  const pruneNothing = blocked.has('');

  // A new spec: say at once that the work has begun (Starting, Stopping, Redeploying,
  // Terminating), as the cluster shows it before we act. Done quickly, the work could
  // otherwise end before any status says it was under way. The write goes out alongside the
  // first reads and applies, and is awaited before the final status write (which must win).
  // The state change's Event goes first: see recordStateChange.
  let reportedState = stack.status?.state;
  // The Stack as our last status write left it: each write is conditional on the version
  // before it (see StatusWriter), ours included.
  let current = stack;
  let announcing: Promise<void> = Promise.resolve();
  // Not for a stack whose last reconcile failed to apply something (Synced=False): a status
  // derived before applying cannot know whether it still fails, and would say Degraded=False
  // for the moment until the final status; the verdict comes with the final status.
  const wasFailing = stack.status?.conditions?.some((c) => c.type === 'Synced' && c.status === 'False') ?? false;
  if (stack.status?.observedGeneration !== stack.metadata.generation && !wasFailing) {
    const before = computeStatus({
      stack,
      caches: deps.caches,
      problems,
      notices,
      warnings,
      conflicts: [],
      now: deps.now(),
      rules: deps.rules,
      appliedGenerations: deps.appliedGenerations,
      ...(images !== undefined && { images: images.pins }),
    });
    if (before.state && TRANSITIONAL_STATES.includes(before.state) && before.state !== reportedState) {
      const state = before.state;
      const from = reportedState ?? null;
      announcing = recordStateChange(stack, state, deps)
        .then(() => writeStatusIfChanged(current, before, deps))
        .then((written) => {
          current = written;
          log.info({ from, to: state }, 'state changed');
        });
      reportedState = state;
    }
  }
  const [announced, applied] = await Promise.allSettled([
    announcing,
    applyChildren(stack, objects, blocked, pruneNothing, deps, log, (clusterIPs) =>
      deps
        .translate(stack, withClusterIPs(surroundings, stack.metadata.name, clusterIPs))
        .objects.filter((o) => o.kind === 'EndpointSlice'),
    ),
  ]);
  if (announced.status === 'rejected') throw announced.reason;
  if (applied.status === 'rejected') throw applied.reason;
  const { conflicts, failed } = applied.value;
  if (translation.tokenSecret !== undefined) await createTokenSecret(stack, translation.tokenSecret, deps, log);
  await removeEndedContainers(stack, blocked, deps, log);
  // A failure that may pass by itself is retried before it is reported: the first one fails
  // the reconcile as it always did, and writes nothing.
  const retries = ctx.retries ?? 0;
  const passing = failed.find((f) => f.transient);
  if (passing !== undefined && retries === 0) throw passing.error;
  // From the first retry on it says Synced=False; once it has lasted (about a minute of
  // backoff), it is a failure of the service like a refusal (Degraded, the service's state).
  const applyFailures = failed.map((f) =>
    f.transient && retries < LASTING_FAILURE_RETRIES ? { ...f.failure, retrying: true } : f.failure,
  );

  const status = computeStatus({
    stack,
    caches: deps.caches,
    problems,
    notices,
    warnings,
    conflicts,
    applyFailures,
    now: deps.now(),
    rules: deps.rules,
    appliedGenerations: deps.appliedGenerations,
    ...(images !== undefined && { images: images.pins }),
  });
  const changedState = status.state !== undefined && status.state !== reportedState ? status.state : undefined;
  if (changedState !== undefined) await recordStateChange(stack, changedState, deps);
  await writeStatusIfChanged(current, status, deps);
  if (changedState !== undefined) log.info({ from: reportedState ?? null, to: changedState }, 'state changed');
  // Reported in status; failing the reconcile retries it with backoff (and records an Event).
  if (applyFailures.length > 0) throw new ApplyFailedError(applyFailures);

  if (status.state === 'Terminated' && status.destroyedAt) {
    const left = Date.parse(status.destroyedAt) + deps.terminatedRetentionMs - deps.now().getTime();
    if (left <= 0) {
      await deps.deleteStack(namespace, name, stack.metadata.uid!).catch((err: unknown) => {
        if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
      });
      log.info('terminated stack removed after its retention period');
      return {};
    }
    return { requeueAfterMs: left };
  }
  const missingLink = problems.some((p) => p.field.startsWith('linkedToService[') && p.field.endsWith('.toService'));
  const recheck = daemonSetDeadlineCheck(stack, status, deps);
  const soonest = Math.min(
    recheck.requeueAfterMs ?? Number.POSITIVE_INFINITY,
    missingLink ? MISSING_LINK_RECHECK_MS : Number.POSITIVE_INFINITY,
    images?.retryAfterMs ?? Number.POSITIVE_INFINITY,
  );
  return soonest === Number.POSITIVE_INFINITY ? recheck : { ...recheck, requeueAfterMs: soonest };
}

/**
 * The token Secret of the stack's ServiceAccount (roles: [global]), created once the
 * ServiceAccount is in the cache and controlled by this stack, pinned to its uid: Kubernetes'
 * token controller then fills it with a token of that very ServiceAccount, or deletes it if
 * the ServiceAccount is gone or another. The ServiceAccount's watch event brings the stack back
 * once it has been applied. A name already taken counts as done: the Secret is never read, so
 * a Secret someone else put there is not told apart (whoever may create Secrets there may
 * also change the stack's pods).
 */
async function createTokenSecret(stack: Stack, secret: SecretObject, deps: ReconcileDeps, log: Logger): Promise<void> {
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
  if (deps.tokenSecrets.get(key) === mark) return;
  const created = await deps.createSecret({
    ...secret,
    metadata: { ...secret.metadata, annotations: { ...secret.metadata.annotations, [SERVICE_ACCOUNT_UID_ANNOTATION]: uid } },
  });
  if (created) {
    deps.onWrite?.('create', 'Secret');
    log.info({ kind: 'Secret', child: secret.metadata.name }, 'created the API token Secret');
  }
  deps.tokenSecrets.set(key, mark);
}

/**
 * The surroundings, with the cluster IPs that this reconcile's own Service applies answered
 * (by Service name) before the cache has them.
 */
function withClusterIPs(base: Surroundings, stackName: string, clusterIPs: ReadonlyMap<string, string>): Surroundings {
  return {
    ...base,
    serviceAddresses: (owner, service) => {
      const ip = owner === stackName ? clusterIPs.get(serviceChildName(owner, service)) : undefined;
      return ip === undefined ? base.serviceAddresses(owner, service) : [ip];
    },
  };
}

/**
 * Applies what the translation wants and prunes what it no longer wants; answers the names
 * held by objects Longshore does not own. Independent calls run concurrently, a few at a time
 * (CHILD_CONCURRENCY): a stack's reconcile takes about one round trip, not one per object.
 * The stack's EndpointSlice goes last, made again by `slicesWith` from the cluster IPs the
 * Service applies answered: a new stack's DNS names get their addresses in its first
 * reconcile, not one write later.
 */
async function applyChildren(
  stack: Stack,
  objects: readonly KubernetesObject[],
  blocked: ReadonlySet<string>,
  pruneNothing: boolean,
  deps: ReconcileDeps,
  log: Logger,
  slicesWith: (clusterIPs: ReadonlyMap<string, string>) => readonly KubernetesObject[],
): Promise<{ conflicts: Conflict[]; failed: FailedApply[] }> {
  const { namespace } = stack.metadata;
  const key = `${namespace}/${stack.metadata.name}`;
  // First look at every name the stack wants: one held by an object Longshore does not own
  // is left alone, and so is the rest of that service (half a service is no service).
  const looked = await allBounded(objects, CHILD_CONCURRENCY, async (obj) => {
    const kind = obj.kind as ChildKind;
    const cached = deps.caches.children[kind].get(`${obj.metadata?.namespace}/${obj.metadata?.name}`);
    // Not in our label-selected cache: it may still exist without our labels.
    const existing = cached ?? (await deps.clients[kind].find(namespace, obj.metadata!.name!));
    return { obj, kind, cached, existing };
  });
  const desired = new Set<string>();
  const conflicts: Conflict[] = [];
  const conflicted = new Set<string>();
  // The services whose pods run as the stack's ServiceAccount: with any of its API access
  // objects held by someone else, they would run as, or with the rights of, a stranger.
  const accessUsers = looked.filter((p) => runsAsServiceAccount(p.obj)).map((p) => serviceOf(p.obj));
  for (const { obj, kind, existing } of looked) {
    desired.add(`${kind}/${obj.metadata?.namespace}/${obj.metadata?.name}`);
    if (existing && !controlledBy(existing, stack.metadata.uid)) {
      const name = obj.metadata?.name ?? '';
      const services = ACCESS_KINDS.has(kind) ? accessUsers : [serviceOf(obj)];
      for (const service of services) conflicts.push({ kind, name, service });
      for (const group of [...groupsOf(obj), ...services]) conflicted.add(group);
    }
  }
  const plans = looked.filter((p) => !groupsOf(p.obj).some((g) => conflicted.has(g)));

  const clusterIPs = new Map<string, string>();
  const failed: FailedApply[] = [];
  // One child refused does not keep the others from being applied: its failure is collected
  // and reported (see reconcile).
  const apply = async (plan: (typeof plans)[number]) => {
    try {
      await applyOne(plan);
    } catch (error) {
      const { obj, kind } = plan;
      const failure: ApplyFailure = {
        service: obj.metadata?.labels?.[SERVICE_LABEL] ?? '',
        kind,
        name: obj.metadata?.name ?? '',
        code: statusOf(error),
        message: errorMessage(error),
      };
      failed.push({ failure, error, transient: isTransient(error) });
      log.debug({ kind, child: failure.name, code: failure.code, err: failure.message }, 'apply failed');
    }
  };
  const applyOne = async ({ obj, kind, cached, existing: found }: (typeof plans)[number]) => {
    let existing = found;
    if (kind === 'Service' && existing && serviceNeedsRecreate(existing as V1Service, obj as ServiceObject)) {
      // clusterIP is immutable: a service that gains its first port or loses its last one is
      // replaced. The apply below recreates it (or a retry does, if deletion is still under way).
      await deps.clients.Service.delete(namespace, obj.metadata!.name!, existing.metadata!.uid!);
      deps.onWrite?.('delete', kind);
      log.info({ kind, child: obj.metadata?.name }, 'recreating service: clusterIP cannot change in place');
      existing = undefined;
    }
    // A claim's spec is immutable: one that exists is left as it is (size or class changes
    // apply to new claims only).
    if (kind === 'PersistentVolumeClaim' && existing) return;
    const hash = specHash(obj);
    if (kind === 'Job' && existing && existing.metadata?.annotations?.[SPEC_HASH_ANNOTATION] !== hash) {
      // A Job's pod template cannot change, and a Job is one run: a changed definition (or a
      // redeploy's revision) is a fresh run, so the old Job goes (its pods with it) and the
      // apply below creates the new one.
      // Gone already, or replaced (the cache still shows the old one after our last replacement):
      // the apply below then creates it or finds the fresh run.
      await deps.clients.Job.delete(namespace, obj.metadata!.name!, existing.metadata!.uid!).catch((err: unknown) => {
        if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
      });
      deps.onWrite?.('delete', kind);
      if (existing.metadata?.uid) deps.appliedGenerations.delete(existing.metadata.uid);
      log.info({ kind, child: obj.metadata?.name }, 'replacing job: a changed definition is a fresh run');
      existing = undefined;
    }
    if (existing !== undefined && cached !== undefined && isCurrent(cached, hash, deps) && grantsAsApplied(cached, obj)) return;
    const body = {
      ...obj,
      metadata: { ...obj.metadata, annotations: { ...obj.metadata?.annotations, [SPEC_HASH_ANNOTATION]: hash } },
    };
    const result = await deps.clients[kind].apply(body);
    deps.onWrite?.('apply', kind);
    if (result.metadata?.uid && result.metadata.generation !== undefined)
      deps.appliedGenerations.set(result.metadata.uid, result.metadata.generation);
    const ip = (result as V1Service).spec?.clusterIP;
    if (kind === 'Service' && ip !== undefined && ip !== 'None') clusterIPs.set(obj.metadata?.name ?? '', ip);
    log.debug({ kind, child: obj.metadata?.name }, 'applied');
  };
  await allBounded(
    plans.filter((p) => p.kind !== 'EndpointSlice'),
    CHILD_CONCURRENCY,
    apply,
  );
  const slices = plans.filter((p) => p.kind === 'EndpointSlice');
  if (slices.length > 0) {
    const fresh = new Map(slicesWith(clusterIPs).map((o) => [o.metadata?.name, o]));
    await allBounded(slices, CHILD_CONCURRENCY, (p) => apply({ ...p, obj: fresh.get(p.obj.metadata?.name) ?? p.obj }));
  }
  for (const c of conflicts)
    void deps.record(stack, 'Warning', 'NameConflict', `${c.kind} ${c.name} exists and is not owned by this stack; left alone`);

  // Prune owned children the spec no longer wants (a removed service, old volumes, a stop of
  // a terminated stack's workloads). A service some of whose children were refused keeps its
  // old ones (old volumes included) until the new ones are in place.
  const incomplete = new Set(failed.map((f) => f.failure.service));
  const conflictedService = (child: KubernetesObject) => groupsOf(child).some((g) => conflicted.has(g));
  const unwanted = (pruneNothing ? [] : CHILD_KINDS).flatMap((kind) =>
    deps.caches.children[kind].byIndex('stack', key).flatMap((child) => {
      if (!controlledBy(child, stack.metadata.uid) || child.metadata?.deletionTimestamp) return [];
      const service = child.metadata?.labels?.[SERVICE_LABEL] ?? '';
      if (blocked.has(service) || conflictedService(child) || incomplete.has(service)) return [];
      if (desired.has(`${kind}/${namespace}/${child.metadata?.name}`)) return [];
      return [{ kind, child }];
    }),
  );
  await allBounded(unwanted, CHILD_CONCURRENCY, async ({ kind, child }) => {
    await deps.clients[kind].delete(namespace, child.metadata!.name!, child.metadata!.uid!).catch((err: unknown) => {
      if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
    });
    deps.onWrite?.('delete', kind);
    if (child.metadata?.uid) deps.appliedGenerations.delete(child.metadata.uid);
    log.info({ kind, child: child.metadata?.name }, 'pruned');
  });
  return { conflicts, failed };
}

/** The kinds of a stack's API access (roles: [global]): stack-level, one group of their own. */
const ACCESS_KINDS: ReadonlySet<string> = new Set(['ServiceAccount', 'Role', 'RoleBinding']);
/** The conflict group of the API access objects: no service may be named so (not a DNS label). */
const ACCESS_GROUP = '#api-access';

const serviceOf = (obj: KubernetesObject) => obj.metadata?.labels?.[SERVICE_LABEL] ?? '';

/** A workload whose pods run as a ServiceAccount of the stack's (the global role). */
function runsAsServiceAccount(obj: KubernetesObject): boolean {
  const template = (obj as { spec?: { template?: V1PodTemplateSpec } }).spec?.template;
  return template?.spec?.serviceAccountName !== undefined;
}

/**
 * What an object is left alone with when a name is held by someone else: its service (the
 * stack's own objects: ''), or the API access objects as one group, which the workloads that
 * run as its ServiceAccount also belong to.
 */
function groupsOf(obj: KubernetesObject): string[] {
  if (ACCESS_KINDS.has(obj.kind ?? '')) return [ACCESS_GROUP];
  return runsAsServiceAccount(obj) ? [serviceOf(obj), ACCESS_GROUP] : [serviceOf(obj)];
}

/**
 * autodestroy: the ended pods of a service run as a Job are deleted, those that succeeded
 * (ON_SUCCESS) or all of them (ALWAYS). The Job stays, with its counts, as the record of the
 * run: deleting it would make the next reconcile run the service again. A blocked service is
 * left alone, as everything of it is.
 */
async function removeEndedContainers(
  stack: Stack,
  blocked: ReadonlySet<string>,
  deps: ReconcileDeps,
  log: Logger,
): Promise<void> {
  const removes = new Map<string, readonly string[]>();
  for (const svc of stack.spec.services) {
    if (blocked.has(svc.name) || workloadKind(svc) !== 'Job') continue;
    const policy = autodestroy(svc);
    if (policy !== 'OFF') removes.set(svc.name, policy === 'ALWAYS' ? ['Succeeded', 'Failed'] : ['Succeeded']);
  }
  if (removes.size === 0) return;
  const key = `${stack.metadata.namespace}/${stack.metadata.name}`;
  const ended = deps.caches.pods.byIndex('stack', key).filter((p) => {
    const phase = (p as { status?: { phase?: string } }).status?.phase ?? '';
    const ownedByJob = p.metadata?.ownerReferences?.some((r) => r.kind === 'Job') ?? false;
    return (
      ownedByJob && !p.metadata?.deletionTimestamp && removes.get(p.metadata?.labels?.[SERVICE_LABEL] ?? '')?.includes(phase)
    );
  });
  await allBounded(ended, CHILD_CONCURRENCY, async (pod) => {
    await deps.deletePod(stack.metadata.namespace!, pod.metadata!.name!, pod.metadata!.uid!).catch((err: unknown) => {
      if (statusOf(err) !== 404 && statusOf(err) !== 409) throw err;
    });
    deps.onWrite?.('delete', 'Pod');
    log.info({ pod: pod.metadata?.name }, 'autodestroy: ended container removed');
  });
}

/**
 * Whether a cached child is as Longshore last applied it: our spec hash, and no spec change
 * since. A change shows as a generation newer than the one our apply produced. A process that
 * has no such record (it has just started) takes the object as it finds it when no other field
 * manager owns part of its spec, and records its generation; otherwise it applies once more.
 * So a restart over thousands of converged stacks writes nothing, and an edit made while
 * Longshore was down is still undone.
 */
function isCurrent(cached: KubernetesObject, hash: string, deps: ReconcileDeps): boolean {
  if (cached.metadata?.annotations?.[SPEC_HASH_ANNOTATION] !== hash) return false;
  const { uid, generation } = cached.metadata;
  if (generation === undefined) return true;
  if (uid === undefined) return false;
  const applied = deps.appliedGenerations.get(uid);
  if (applied !== undefined) return applied === generation;
  if (cachedSpecEditors(cached).length > 0) return false;
  deps.appliedGenerations.set(uid, generation);
  return true;
}

/**
 * Whether a Role or RoleBinding still grants what the translation wants. They have no
 * generation, so an edit (a verb added to the stack's Role) would otherwise go unseen: it is
 * put right like any edit of a spec.
 */
function grantsAsApplied(cached: KubernetesObject, desired: KubernetesObject): boolean {
  return GRANT_FIELDS.every((field) => {
    const want = (desired as Record<string, unknown>)[field];
    return want === undefined || stableStringify((cached as Record<string, unknown>)[field]) === stableStringify(want);
  });
}

/**
 * Deployments report a missed progress deadline themselves (an event wakes us); DaemonSets
 * have none, so the state rules time them against the stack's Progressing condition, and
 * nothing would wake us when that time comes: look again just after it.
 */
function daemonSetDeadlineCheck(stack: Stack, status: StackStatus, deps: ReconcileDeps): ReconcileResult {
  if (!stack.spec.services.some((s) => s.deploymentStrategy === 'EVERY_NODE')) return {};
  const progressing = status.conditions?.find((c) => c.type === 'Progressing' && c.status === 'True');
  if (!progressing) return {};
  const due = Date.parse(progressing.lastTransitionTime) + deps.rules.progressDeadlineSeconds * 1000 + 1000;
  return { requeueAfterMs: Math.max(due - deps.now().getTime(), 1000) };
}

/**
 * A reconcile that failed otherwise than by a refused apply (reading a child or a linked
 * Service, pruning, writing the status), for the second time in a row or more (`retries`
 * failures before this one): say so in status, as Synced=False ReconcileError with the
 * message; and Degraded=True ReconcileError, when the status said nothing was wrong, if the
 * failure is a refusal or has lasted. The rest of the status is left as it was. Best effort: a
 * write refused (a conflict, the cache behind) waits for the next failure.
 */
export async function reportReconcileFailure(key: string, deps: ReconcileDeps, err: unknown, retries: number): Promise<void> {
  const message = describeError(err);
  const stack = deps.caches.stacks.get(key) as Stack | undefined;
  if (!stack || stack.metadata.deletionTimestamp) return;
  const written = deps.statusVersions.get(key);
  if (written !== undefined && isNewerResourceVersion(written, stack.metadata.resourceVersion)) return;
  const generation = stack.metadata.generation !== undefined ? { observedGeneration: stack.metadata.generation } : {};
  const old = stack.status?.conditions ?? [];
  const next: DerivedCondition[] = [{ type: 'Synced', status: 'False', reason: 'ReconcileError', message, ...generation }];
  const lasting = !isTransient(err) || retries >= LASTING_FAILURE_RETRIES;
  if (lasting && old.find((c) => c.type === 'Degraded')?.status !== 'True')
    next.push({ type: 'Degraded', status: 'True', reason: 'ReconcileError', message, ...generation });
  // Kept in the order the status has them (new ones last), as a full reconcile writes them.
  const rank = (type: string) => {
    const i = old.findIndex((c) => c.type === type);
    return i < 0 ? old.length : i;
  };
  const conditions = mergeConditions(old, next, deps.now()).sort((a, b) => rank(a.type) - rank(b.type)) as Condition[];
  await writeStatusIfChanged(stack, { ...stack.status, conditions }, deps);
}

/** Writes the status unless the Stack shows it already; answers the Stack as it now is. */
async function writeStatusIfChanged(stack: Stack, status: StackStatus, deps: ReconcileDeps): Promise<Stack> {
  if (statusEqual(stack.status, status)) return stack;
  const resourceVersion = await deps.writeStatus(stack, status);
  deps.onWrite?.('status', 'Stack');
  if (resourceVersion) deps.statusVersions.set(`${stack.metadata.namespace}/${stack.metadata.name}`, resourceVersion);
  return { ...stack, status, metadata: { ...stack.metadata, ...(resourceVersion ? { resourceVersion } : {}) } };
}
