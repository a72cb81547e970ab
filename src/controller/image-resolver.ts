// The registry's last answer for each image reference, asked once for many: every service and
// stack naming one reference shares one request in flight and one answer. A reconcile asks only
// when a service needs a new answer (src/controller/image-pins.ts); the poller and the webhook
// refresh the answers autoredeploy services follow. A failure is not asked again for a while.
import type { Resolution } from './image-pins.ts';

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
  /** Asks the registry; rejects with a message saying why not. */
  resolve: (reference: string) => Promise<string>;
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
  private readonly now: () => number;
  private readonly refusalRetryMs: number;

  constructor(opts: ImageResolverOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.refusalRetryMs = opts.refusalRetryMs ?? 300_000;
  }

  /** The last answer, without asking. */
  known(reference: string): Answer | undefined {
    return this.answers.get(reference);
  }

  /**
   * A fresh answer: asked now (or joining a question in flight), unless the last answer is a
   * failure younger than failureRetryMs.
   */
  async fresh(reference: string, source: ResolutionSource): Promise<Answer> {
    const last = this.answers.get(reference);
    if (last?.retryMs !== undefined && this.now() - last.at < last.retryMs) return last;
    return this.ask(reference, source);
  }

  /** Asks the registry now (joining a question in flight). */
  ask(reference: string, source: ResolutionSource): Promise<Answer> {
    const pending = this.inFlight.get(reference);
    if (pending !== undefined) return pending;
    const at = this.now();
    const question = this.opts
      .resolve(reference)
      .then(
        (digest): Answer => {
          this.opts.onAnswer?.(source, 'digest');
          return { resolution: { digest }, at, source };
        },
        (err: unknown): Answer => {
          const refused = isRefusal(err);
          this.opts.onAnswer?.(source, refused ? 'refused' : 'unreachable');
          const retryMs = refused ? this.refusalRetryMs : (this.opts.failureRetryMs ?? 10_000);
          return { resolution: { error: describe(reference, err) }, at, source, retryMs };
        },
      )
      .then((answer) => {
        this.answers.delete(reference);
        this.answers.set(reference, answer);
        const max = this.opts.maxEntries ?? 10_000;
        for (const oldest of this.answers.keys()) {
          if (this.answers.size <= max) break;
          this.answers.delete(oldest);
        }
        return answer;
      })
      .finally(() => this.inFlight.delete(reference));
    this.inFlight.set(reference, question);
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
