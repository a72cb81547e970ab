// The registry's last answer for each image reference, asked once for many: every service and
// stack naming one reference shares one request in flight and one answer. A reconcile asks only
// when a service needs a new answer (src/controller/image-pins.ts); the poller and the webhook
// refresh the answers autoredeploy services follow. A failure is not asked again for a while.
// Answers are kept per reference and per set of credentials the question is asked with (the
// pull secrets of the namespace, an administrator's auth file): a stack without the credentials
// another has learns nothing from that stack's answer.
import { createHash } from 'node:crypto';
import type { Credentials } from '../registry/client.ts';
import type { Resolution } from './image-pins.ts';

/** Whose pull credentials apply: the ServiceAccount a service's pods run as. */
export interface PullScope {
  namespace: string;
  serviceAccount: string;
}

/** What brought an answer: a reconcile that needed one, the poll, or a registry's webhook. */
export type ResolutionSource = 'reconcile' | 'poll' | 'webhook';

export interface Answer {
  resolution: Resolution;
  /** When it was asked, ms since the epoch. */
  at: number;
  source: ResolutionSource;
  /** A failure: how long it is answered from memory before the registry is asked again. */
  retryMs?: number;
}

export interface ImageResolverOptions {
  /** Asks the registry with these credentials (none: anonymously); rejects with a message saying why not. */
  resolve: (reference: string, credentials: readonly Credentials[]) => Promise<string>;
  /**
   * The credentials to ask with, in the order the kubelet tries them (src/main/pull-credentials.ts);
   * none when absent. Rejects when they cannot be read: the question is then not asked.
   */
  credentials?: (reference: string, scope: PullScope | undefined) => Promise<readonly Credentials[]>;
  /** How long a failure to reach the registry is answered from memory before asking again. */
  failureRetryMs?: number;
  /**
   * The same for a registry's refusal (an unknown tag, credentials refused): asked again less
   * often, since waiting seldom cures it (the poll still asks at its own interval).
   */
  refusalRetryMs?: number;
  now?: () => number;
  /** At most this many references remembered; the oldest answers go first. */
  maxEntries?: number;
  /** Told of every answer the registry gave (metrics). */
  onAnswer?: (source: ResolutionSource, outcome: 'digest' | 'unreachable' | 'refused') => void;
}

export class ImageResolver {
  private readonly answers = new Map<string, Answer>();
  private readonly inFlight = new Map<string, Promise<Answer>>();
  private readonly opts: ImageResolverOptions;
  readonly now: () => number;
  private readonly refusalRetryMs: number;

  constructor(opts: ImageResolverOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.refusalRetryMs = opts.refusalRetryMs ?? 300_000;
  }

  /** The last answer, without asking. */
  async known(reference: string, scope?: PullScope): Promise<Answer | undefined> {
    const question = await this.identify(reference, scope).catch(() => undefined);
    return question === undefined ? undefined : this.answers.get(question.key);
  }

  /**
   * A fresh answer: asked now (or joining a question in flight), unless the last answer is a
   * failure younger than failureRetryMs.
   */
  async fresh(reference: string, source: ResolutionSource, scope?: PullScope): Promise<Answer> {
    const question = await this.identify(reference, scope).catch((err: unknown) => this.unreadable(reference, source, err));
    if ('resolution' in question) return question;
    const last = this.answers.get(question.key);
    if (last?.retryMs !== undefined && this.now() - last.at < last.retryMs) return last;
    return this.put(reference, source, question);
  }

  /** Asks the registry now (joining a question in flight). */
  async ask(reference: string, source: ResolutionSource, scope?: PullScope): Promise<Answer> {
    const question = await this.identify(reference, scope).catch((err: unknown) => this.unreadable(reference, source, err));
    return 'resolution' in question ? question : this.put(reference, source, question);
  }

  /**
   * What one question is keyed by: the reference, and a hash of the credentials it is asked
   * with (never the credentials themselves). Two scopes with the same credentials share answers.
   */
  async identify(reference: string, scope?: PullScope): Promise<{ key: string; credentials: readonly Credentials[] }> {
    const credentials = (await this.opts.credentials?.(reference, scope)) ?? [];
    if (credentials.length === 0) return { key: reference, credentials };
    const hash = createHash('sha256');
    for (const c of credentials) hash.update(`${c.username.length}:${c.username}${c.password.length}:${c.password}`);
    return { key: `${reference}#${hash.digest('hex').slice(0, 32)}`, credentials };
  }

  /** The credentials could not be read (the API server, a Secret's contents): a failure, tried again soon. */
  private unreadable(reference: string, source: ResolutionSource, err: unknown): Answer {
    return {
      resolution: { error: `${reference}: ${(err as Error)?.message ?? String(err)}` },
      at: this.now(),
      source,
      retryMs: this.opts.failureRetryMs ?? 10_000,
    };
  }

  private put(
    reference: string,
    source: ResolutionSource,
    { key, credentials }: { key: string; credentials: readonly Credentials[] },
  ): Promise<Answer> {
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const at = this.now();
    const question = this.opts
      .resolve(reference, credentials)
      .then(
        (digest): Answer => {
          this.opts.onAnswer?.(source, 'digest');
          return { resolution: { digest }, at, source };
        },
        (err: unknown): Answer => {
          const refused = isRefusal(err);
          this.opts.onAnswer?.(source, refused ? 'refused' : 'unreachable');
          const retryMs = refused ? this.refusalRetryMs : (this.opts.failureRetryMs ?? 10_000);
          // Timed from the failure, not the question: a registry that took the whole timeout to
          // fail is not asked again at once.
          return { resolution: { error: describe(reference, err) }, at: this.now(), source, retryMs };
        },
      )
      .then((answer) => {
        this.answers.delete(key);
        this.answers.set(key, answer);
        const max = this.opts.maxEntries ?? 10_000;
        for (const oldest of this.answers.keys()) {
          if (this.answers.size <= max) break;
          this.answers.delete(oldest);
        }
        return answer;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, question);
    return question;
  }
}

/** The registry said no (unknown tag, credentials refused), rather than failing to answer. */
function isRefusal(err: unknown): boolean {
  const status = (err as { name?: string; status?: number } | undefined)?.status;
  return (err as Error | undefined)?.name === 'RegistryError' && (status === 401 || status === 403 || status === 404);
}

/** A failure as a service's status says it: the registry's words, or the network's. */
function describe(reference: string, err: unknown): string {
  if (!(err instanceof Error)) return `${reference}: ${String(err)}`;
  if (err.name === 'RegistryError') return err.message;
  if (err.name === 'TimeoutError') return `${reference}: the registry did not answer in time`;
  const cause = (err as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return `${reference}: the registry could not be reached (${err.message}${detail})`;
}
