// Leader election on a coordination.k8s.io Lease, with controller-runtime's timings: a 15 s
// lease, renewed every 2 s, lost if not renewed within 10 s. Only the holder reconciles; a
// candidate takes the Lease once its holder has not renewed it for a whole lease duration,
// measured as client-go measures it: from when this process last saw the Lease's record
// change, on its own monotonic clock, never by comparing the holder's renewTime with the local
// wall clock (two machines' clocks may disagree by more than a lease).
// Written by hand because no maintained JavaScript library does it; kept small.
import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { statusOf } from './api-error.ts';

export interface LeaderElectionOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  name: string;
  identity: string;
  logger: Logger;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

/**
 * The API's MicroTime wants exactly six fractional digits (RFC3339Micro); client-node would
 * send a Date with three, which the API server refuses. Sent as a string, typed as the
 * client's Date.
 */
export function microTime(d: Date): Date {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z') as unknown as Date;
}

/**
 * Whether another holder's Lease has gone unrenewed for its whole duration, on the observer's
 * own clock: any change of its record (holder, renewTime, resourceVersion) restarts the count
 * from the moment it was seen. The renewTime's value itself is never compared with a clock.
 */
export class LeaseObserver {
  private observed: { record: string; at: number } | undefined;

  expired(lease: V1Lease, now: number): boolean {
    const s = lease.spec;
    const record = JSON.stringify([s?.holderIdentity, String(s?.renewTime ?? ''), lease.metadata?.resourceVersion]);
    if (this.observed?.record !== record) this.observed = { record, at: now };
    return now - this.observed.at >= (s?.leaseDurationSeconds ?? 15) * 1000;
  }
}

export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private readonly o: Required<LeaderElectionOptions>;
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private lastRenew = 0;
  private readonly observed = new LeaseObserver();
  private readonly now: () => number;

  /** `now`: a monotonic clock in milliseconds (injected by tests). */
  constructor(opts: LeaderElectionOptions, now: () => number = () => performance.now()) {
    this.now = now;
    this.o = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, ...opts };
    this.api = opts.kubeConfig.makeApiClient(CoordinationV1Api);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    void this.tick();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.o.retryPeriodMs);
  }

  private async tick(): Promise<void> {
    try {
      const ok = await this.tryAcquireOrRenew();
      if (ok) {
        this.lastRenew = this.now();
        if (!this.leading && !this.stopped) {
          this.leading = true;
          this.o.logger.info({ lease: `${this.o.namespace}/${this.o.name}`, identity: this.o.identity }, 'became leader');
          this.o.onStartedLeading();
        }
      }
    } catch (err) {
      this.o.logger.warn({ lease: this.o.name, err: (err as Error).message }, 'lease update failed');
    }
    if (this.leading && this.now() - this.lastRenew > this.o.renewDeadlineMs) {
      this.leading = false;
      this.o.logger.error({ lease: this.o.name }, 'lost leadership: lease not renewed within the renew deadline');
      this.o.onStoppedLeading();
    }
    this.schedule();
  }

  private lease(existing?: V1Lease): V1Lease {
    const now = new Date();
    const holderChanges = existing?.spec?.holderIdentity !== this.o.identity;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.o.name,
        namespace: this.o.namespace,
        ...(existing ? { resourceVersion: existing.metadata?.resourceVersion } : {}),
      },
      spec: {
        holderIdentity: this.o.identity,
        leaseDurationSeconds: Math.ceil(this.o.leaseDurationMs / 1000),
        acquireTime: holderChanges || !existing?.spec?.acquireTime ? microTime(now) : existing.spec.acquireTime,
        renewTime: microTime(now),
        leaseTransitions: (existing?.spec?.leaseTransitions ?? 0) + (existing && holderChanges ? 1 : 0),
      },
    };
  }

  /** True when we hold the Lease after this call. Writes carry the resourceVersion read. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name } = this.o;
    let existing: V1Lease | undefined;
    try {
      existing = await this.api.readNamespacedLease({ namespace, name });
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
    if (!existing) {
      try {
        await this.api.createNamespacedLease({ namespace, body: this.lease() });
        return true;
      } catch (err) {
        if (statusOf(err) === 409) return false;
        throw err;
      }
    }
    const holder = existing.spec?.holderIdentity;
    if (holder && holder !== this.o.identity && !this.observed.expired(existing, this.now())) return false;
    try {
      await this.api.replaceNamespacedLease({ namespace, name, body: this.lease(existing) });
      return true;
    } catch (err) {
      if (statusOf(err) === 409) return false;
      throw err;
    }
  }

  /** Stops campaigning; a leader releases the Lease so another process takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    try {
      const existing = await this.api.readNamespacedLease({ namespace: this.o.namespace, name: this.o.name });
      if (existing.spec?.holderIdentity !== this.o.identity) return;
      await this.api.replaceNamespacedLease({
        namespace: this.o.namespace,
        name: this.o.name,
        body: {
          ...existing,
          spec: { ...existing.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(new Date()) },
        },
      });
      this.o.logger.info({ lease: this.o.name }, 'released leadership');
    } catch (err) {
      this.o.logger.warn({ lease: this.o.name, err: (err as Error).message }, 'could not release the lease');
    }
  }
}
