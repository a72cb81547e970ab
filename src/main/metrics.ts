// Prometheus metrics through prom-client (the maintained standard for Node; it also gives
// process and event-loop metrics for free). One registry per process.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { STACK_STATES, type Stack } from '../model/stack.ts';
import type { ControllerMetrics } from '../runtime/controller.ts';
import { reportedState } from '../states/presented.ts';

export interface Metrics {
  registry: Registry;
  controller: ControllerMetrics;
  facadeRequest(route: string, method: string, status: number, seconds: number): void;
  watchRestart(informer: string, reason: string): void;
  apiWrite(verb: string, kind: string): void;
  /** A question to a registry answered: by a digest, or failed (the registry not reached, or refusing). */
  registryRequest(source: string, outcome: 'digest' | 'unreachable' | 'refused'): void;
  setStackSource(list: () => Iterable<Stack>): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'longshore_' });

  const reconciles = new Counter({
    name: 'longshore_reconcile_total',
    help: 'Reconciles by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const reconcileErrors = new Counter({
    name: 'longshore_reconcile_errors_total',
    help: 'Reconciles that failed',
    registers: [registry],
  });
  const reconcileDuration = new Histogram({
    name: 'longshore_reconcile_duration_seconds',
    help: 'Time spent in one reconcile',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const depth = new Gauge({ name: 'longshore_workqueue_depth', help: 'Keys waiting in the work queue', registers: [registry] });
  const latency = new Histogram({
    name: 'longshore_workqueue_queue_duration_seconds',
    help: 'How long a key waited in the queue before a worker took it',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'longshore_workqueue_retries_total',
    help: 'Keys put back after a failed reconcile',
    registers: [registry],
  });
  const requests = new Counter({
    name: 'longshore_facade_requests_total',
    help: 'Façade requests by route, method and status code',
    labelNames: ['route', 'method', 'code'],
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'longshore_facade_request_duration_seconds',
    help: 'Façade request durations by route and method',
    labelNames: ['route', 'method'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const watchRestarts = new Counter({
    name: 'longshore_watch_restarts_total',
    help: 'Watches restarted, by informer and reason (ended, error, gone)',
    labelNames: ['informer', 'reason'],
    registers: [registry],
  });
  const writes = new Counter({
    name: 'longshore_api_writes_total',
    help: 'Writes the controller sent to the API server, by verb and kind',
    labelNames: ['verb', 'kind'],
    registers: [registry],
  });
  const registryRequests = new Counter({
    name: 'longshore_registry_requests_total',
    help: "Questions to image registries for a tag's digest, by what asked (reconcile, poll, webhook) and outcome (digest, unreachable, refused)",
    labelNames: ['source', 'outcome'],
    registers: [registry],
  });
  let stackSource: () => Iterable<Stack> = () => [];
  new Gauge({
    name: 'longshore_stacks',
    help: 'Stacks by Docker Cloud state, as the controller last reported them',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const counts = new Map<string, number>(STACK_STATES.map((s) => [s, 0]));
      for (const s of stackSource()) {
        const state = reportedState(s);
        counts.set(state, (counts.get(state) ?? 0) + 1);
      }
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });

  return {
    registry,
    controller: {
      reconciled(seconds, outcome) {
        reconciles.inc({ outcome });
        if (outcome === 'error') reconcileErrors.inc();
        reconcileDuration.observe(seconds);
      },
      queueDepth: (d) => depth.set(d),
      queueLatency: (s) => latency.observe(s),
      retried: () => retries.inc(),
    },
    facadeRequest(route, method, status, seconds) {
      requests.inc({ route, method, code: String(status) });
      requestDuration.observe({ route, method }, seconds);
    },
    watchRestart: (informer, reason) => watchRestarts.inc({ informer, reason }),
    apiWrite: (verb, kind) => writes.inc({ verb, kind }),
    registryRequest: (source, outcome) => registryRequests.inc({ source, outcome }),
    setStackSource(list) {
      stackSource = list;
    },
  };
}
