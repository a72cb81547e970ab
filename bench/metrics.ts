// Prometheus text scraped from Longshore's ops port and from the API server, reduced to the
// few series the bench reports as evidence (what was written, how often, how long it waited).
import { request } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export type Series = Map<string, number>;

/** `name{labels} value` lines into a map keyed by `name{labels}`; comments skipped. */
export function parsePrometheus(text: string): Series {
  const out: Series = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    const value = Number(line.slice(cut + 1));
    if (!Number.isNaN(value)) out.set(line.slice(0, cut), value);
  }
  return out;
}

export function delta(before: Series, after: Series, keep: (key: string) => boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of after) {
    if (!keep(k)) continue;
    const d = v - (before.get(k) ?? 0);
    if (d !== 0) out[k] = Math.round(d * 1000) / 1000;
  }
  return out;
}

export async function scrapeLongshore(opsUrl: string): Promise<Series> {
  const res = await fetch(`${opsUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  return parsePrometheus(await res.text());
}

/** The API server's /metrics with the kubeconfig's credentials (admin on the local cluster). */
export async function scrapeApiServer(kc: KubeConfig): Promise<Series> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) return new Map();
  const opts: import('node:https').RequestOptions = { method: 'GET', timeout: 20_000 };
  await kc.applyToHTTPSOptions(opts);
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(`${server}/metrics`, opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET /metrics: HTTP ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('GET /metrics timed out')));
    req.on('error', reject);
    req.end();
  });
  return parsePrometheus(text);
}

/**
 * API server requests between two scrapes, as `VERB resource[/subresource] code` → count, for
 * the resources the bench touches. Every client's requests count (controllers, kwok, the bench).
 */
export function apiRequests(before: Series, after: Series): Record<string, number> {
  const out: Record<string, number> = {};
  const interesting =
    /resource="(stacks|deployments|services|replicasets|pods|endpointslices|events|tokenreviews|subjectaccessreviews)"/;
  for (const [k, v] of after) {
    if (!k.startsWith('apiserver_request_total{') || !interesting.test(k)) continue;
    const d = v - (before.get(k) ?? 0);
    if (d <= 0) continue;
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(k)?.[1] ?? '';
    const sub = label('subresource');
    const key = `${label('verb')} ${label('resource')}${sub ? `/${sub}` : ''} ${label('code')}`;
    out[key] = (out[key] ?? 0) + d;
  }
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

/**
 * Mean server-side duration of those requests between two scrapes, in ms, as
 * `VERB resource[/subresource]` → mean (count), e.g. how long a Service create waits for its
 * cluster IP.
 */
export function apiLatency(before: Series, after: Series): Record<string, string> {
  const sums = new Map<string, [number, number]>();
  const interesting = /resource="(stacks|deployments|services|replicasets|pods|endpointslices)"/;
  for (const [k, v] of after) {
    const m = /^apiserver_request_duration_seconds_(sum|count)\{/.exec(k);
    if (!m || !interesting.test(k)) continue;
    const d = v - (before.get(k) ?? 0);
    if (d <= 0) continue;
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(k)?.[1] ?? '';
    const sub = label('subresource');
    const key = `${label('verb')} ${label('resource')}${sub ? `/${sub}` : ''}`;
    const entry = sums.get(key) ?? [0, 0];
    if (m[1] === 'sum') entry[0] += d;
    else entry[1] += d;
    sums.set(key, entry);
  }
  return Object.fromEntries(
    [...sums]
      .filter(([, [, count]]) => count > 0)
      .sort((a, b) => b[1][1] - a[1][1])
      .map(([key, [sum, count]]) => [key, `${Math.round((sum / count) * 10000) / 10} ms (${count})`]),
  );
}

/** The Longshore series worth reporting per phase: writes, reconciles, retries, queue waits. */
export function longshoreSummary(before: Series, after: Series): Record<string, number> {
  const d = delta(before, after, (k) =>
    /^longshore_(api_writes_total|reconcile_total|reconcile_errors_total|workqueue_retries_total|watch_restarts_total|reconcile_duration_seconds_(sum|count)|workqueue_queue_duration_seconds_(sum|count))/.test(
      k,
    ),
  );
  const avg = (name: string) => {
    const sum = d[`${name}_sum`];
    const count = d[`${name}_count`];
    return sum !== undefined && count ? Math.round((sum / count) * 1e4) / 10 : undefined;
  };
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(d)) if (!/_(sum|count)$/.test(k)) out[k] = v;
  const reconcileMs = avg('longshore_reconcile_duration_seconds');
  const queueMs = avg('longshore_workqueue_queue_duration_seconds');
  if (reconcileMs !== undefined) out['mean reconcile duration (ms)'] = reconcileMs;
  if (queueMs !== undefined) out['mean queue wait (ms)'] = queueMs;
  return out;
}
