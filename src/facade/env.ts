// What the route handlers share: the injected dependencies with defaults filled in, plus the
// façade's own small state (read-your-writes overlay, action index).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ActionLookup } from './action-lookup.ts';
import { type Authenticator, DEFAULT_FACADE_CONFIG, type FacadeConfig, type FacadeDeps, type StackWriter } from './deps.ts';
import { StackView } from './stack-view.ts';
import { CallLimiter, TokenBucket } from './triggers.ts';

export interface FacadeEnv {
  view: StackView;
  writer: StackWriter;
  authenticator: Authenticator;
  logger: Logger;
  config: FacadeConfig;
  actions: ActionLookup;
  now: () => Date;
  newUuid: () => string;
  policy: NonNullable<FacadeDeps['policy']>;
  lookupService: NonNullable<FacadeDeps['lookupService']>;
  /** How often each trigger has been called lately (routes/triggers.ts). */
  triggerCalls: CallLimiter;
  /** The trigger calls this process still takes, all triggers together. */
  triggerBucket: TokenBucket;
  /** The registry webhook's token; absent: no webhook endpoint. */
  webhookToken?: string;
}

export function makeEnv(deps: FacadeDeps): FacadeEnv {
  const config = { ...DEFAULT_FACADE_CONFIG, ...deps.config };
  const now = deps.now ?? (() => new Date());
  return {
    view: new StackView(deps.reader, {
      ttlMs: config.readYourWritesMs,
      graceMs: config.readYourWritesGraceMs,
      now: () => now().getTime(),
      fetch: (namespace, name) => deps.writer.get(namespace, name),
    }),
    writer: deps.writer,
    authenticator: deps.authenticator,
    logger: deps.logger,
    config,
    actions: new ActionLookup({ now: () => now().getTime() }),
    now,
    newUuid: deps.newUuid ?? randomUUID,
    policy: deps.policy ?? (() => []),
    lookupService: deps.lookupService ?? (async () => undefined),
    triggerCalls: new CallLimiter(config.triggerCallsPerMinute),
    triggerBucket: new TokenBucket(config.triggerCallsPerMinuteTotal),
    ...(deps.webhookToken !== undefined && { webhookToken: deps.webhookToken }),
  };
}
