// Docker Cloud's service triggers: a secret URL per trigger that, POSTed to without
// credentials (by CI, a chat bot, a registry), redeploys the service's stack or adds one
// container to the service. Triggers are kept in the Stack itself, in the annotation
// `longshore.io/triggers` (a JSON array), so they survive restarts and follow the stack's RBAC:
// reading them needs the right to get the stack, creating and deleting them the right to
// update it. The trigger's uuid (random, version 4) is the secret of its call URL. Pure.
import type { Stack } from '../model/stack.ts';
import { readAnnotationList } from './annotation-list.ts';
import { APP_PREFIX } from './paths.ts';

export const TRIGGERS_ANNOTATION = 'longshore.io/triggers';
export const TRIGGER_OPERATIONS = ['REDEPLOY', 'SCALEUP'] as const;
export type TriggerOperation = (typeof TRIGGER_OPERATIONS)[number];
/** Triggers one stack may hold, all services together. */
export const MAX_TRIGGERS = 100;
export const MAX_TRIGGER_NAME = 256;

export interface TriggerRecord {
  uuid: string;
  /** The service's name in the stack. */
  service: string;
  name: string;
  operation: TriggerOperation;
}

/**
 * The informer index of Stacks by their triggers' uuids (src/main/app.ts declares it), so that
 * a call, which needs no credential, finds its stack without walking the cache.
 */
export const TRIGGER_INDEX = 'trigger';
export function triggerIndex(stack: Stack): string[] | undefined {
  if (stack.metadata.annotations?.[TRIGGERS_ANNOTATION] === undefined) return undefined;
  return readTriggers(stack).map((t) => t.uuid);
}

/** The triggers recorded on a stack; an unreadable annotation counts as none. */
export function readTriggers(stack: Stack): TriggerRecord[] {
  return readAnnotationList(stack, TRIGGERS_ANNOTATION, isTriggerRecord);
}

function isTriggerRecord(v: unknown): v is TriggerRecord {
  const r = v as Partial<TriggerRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.uuid === 'string' &&
    typeof r.service === 'string' &&
    typeof r.name === 'string' &&
    TRIGGER_OPERATIONS.includes(r.operation as TriggerOperation)
  );
}

/** A create request's body: `{"name": ..., "operation": "REDEPLOY" | "SCALEUP"}`, both optional. */
export function parseTriggerRequest(body: unknown): { name: string; operation: TriggerOperation } {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || Array.isArray(b)) throw new Error('the body must be a JSON object');
  const name = b['name'] ?? '';
  if (typeof name !== 'string' || name.length > MAX_TRIGGER_NAME)
    throw new Error(`name must be a string of at most ${MAX_TRIGGER_NAME} characters`);
  const op = b['operation'] ?? 'REDEPLOY';
  const operation = typeof op === 'string' ? op.toUpperCase() : op;
  if (!TRIGGER_OPERATIONS.includes(operation as TriggerOperation))
    throw new Error(`operation must be REDEPLOY or SCALEUP, got ${JSON.stringify(op)}`);
  return { name, operation: operation as TriggerOperation };
}

export function triggerUri(namespace: string, serviceUuid: string, uuid: string): string {
  return `${APP_PREFIX}/${namespace}/service/${serviceUuid}/trigger/${uuid}/`;
}

/** A trigger as Docker Cloud's API shows it; `url` is what is POSTed to, without credentials. */
export function triggerToJson(namespace: string, serviceUuid: string, t: TriggerRecord) {
  const resource = triggerUri(namespace, serviceUuid, t.uuid);
  return { uuid: t.uuid, name: t.name, operation: t.operation, url: `${resource}call/`, resource_uri: resource };
}

/**
 * How many trigger calls this process takes, all triggers together: a token bucket of
 * `capacity` tokens, refilled evenly over `refillMs` (a burst up to the capacity, then the
 * rate). It bounds the writes that calls without credentials make, whatever the number of
 * triggers or URLs leaked.
 */
export class TokenBucket {
  private tokens: number;
  private last: number | undefined;
  private readonly capacity: number;
  private readonly msPerToken: number;

  constructor(capacity: number, refillMs = 60_000) {
    this.capacity = capacity;
    this.tokens = capacity;
    this.msPerToken = refillMs / capacity;
  }

  /** Takes a token now; the seconds until one is there when none is. */
  take(now: number): number | undefined {
    if (this.last !== undefined) this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) / this.msPerToken);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    // Rounded to the millisecond first: fractions of tokens leave float noise (20000.000000000004 ms).
    return Math.max(1, Math.ceil(Math.round((1 - this.tokens) * this.msPerToken) / 1000));
  }
}

/**
 * How often one trigger may be called: at most `max` calls in any `windowMs`. In memory, per
 * process: a bound on what a leaked URL can cost, not an accounting.
 */
export class CallLimiter {
  private readonly calls = new Map<string, number[]>();
  private readonly max: number;
  private readonly windowMs: number;

  constructor(max = 10, windowMs = 60_000) {
    this.max = max;
    this.windowMs = windowMs;
  }

  /** Records a call now; the seconds to wait when it is one too many. */
  take(key: string, now: number): number | undefined {
    const recent = (this.calls.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.max) {
      this.calls.set(key, recent);
      return Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000));
    }
    recent.push(now);
    this.calls.delete(key);
    this.calls.set(key, recent);
    // Bounded: the keys called longest ago go first.
    for (const oldest of this.calls.keys()) {
      if (this.calls.size <= 10_000) break;
      this.calls.delete(oldest);
    }
    return undefined;
  }
}
