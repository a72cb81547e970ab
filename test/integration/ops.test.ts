// What an operator of Longshore sees: the probes, the Prometheus metrics the README lists, and
// concurrent writes to one stack through the façade, all of which land (write conflicts are
// retried, not lost or turned into errors).
import { describe, expect, it } from 'vitest';
import { serviceAccountApiKey } from '../clients/api-key.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { StackClient } from './support/stacks.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('ops');
const longshore = await runLongshore(ns);
const auth = `Bearer ${await serviceAccountApiKey(kc, ns, 'operator')}`;
const stacks = new StackClient(kc, ns);

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${longshore.facadeUrl}${path}`, {
    method,
    headers: { authorization: auth },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('operating Longshore', () => {
  it('answers its probes', async () => {
    expect((await fetch(`${longshore.opsUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${longshore.opsUrl}/readyz`)).status).toBe(200);
  });

  it('lands concurrent writes to one stack: conflicting updates are retried', async () => {
    const created = await call('POST', `/api/app/v1/${ns}/stack/`, {
      name: 'busy',
      services: [{ name: 'busy-web', image: 'nginx:1.27' }],
    });
    expect(created.status).toBe(201);
    const uri = created.json['resource_uri'] as string;
    // Five writers at once, each based on what it read: most hit a resourceVersion conflict.
    const replies = await Promise.all([
      call('PATCH', uri, { nickname: 'one' }),
      call('PATCH', uri, { services: [{ name: 'busy-web', image: 'nginx:1.27', target_num_containers: 2 }] }),
      call('POST', `${uri}start/`),
      call('PATCH', uri, { nickname: 'two' }),
      call('PATCH', uri, { services: [{ name: 'busy-web', image: 'nginx:1.27', target_num_containers: 2 }] }),
    ]);
    expect(replies.map((r) => r.status)).toEqual([200, 200, 202, 200, 200]);
    const s = await stacks.waitForState('busy', 'Running');
    expect(s.spec.desiredState).toBe('Running');
    expect(s.spec.services[0]?.targetNumContainers).toBe(2);
    expect(['one', 'two']).toContain(s.spec.nickname);
  });

  it('exports the metrics the README lists', async () => {
    const text = await (await fetch(`${longshore.opsUrl}/metrics`)).text();
    for (const name of [
      'longshore_reconcile_total',
      'longshore_reconcile_errors_total',
      'longshore_reconcile_duration_seconds',
      'longshore_workqueue_depth',
      'longshore_workqueue_queue_duration_seconds',
      'longshore_workqueue_retries_total',
      'longshore_watch_restarts_total',
      'longshore_api_writes_total',
      'longshore_process_resident_memory_bytes',
    ]) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    expect(text).toMatch(/^longshore_stacks\{state="Running"\} 1$/m);
    expect(text).toMatch(/^longshore_facade_requests_total\{route="[^"]*stack[^"]*",method="PATCH",code="200"\} 4$/m);
    expect(text).toMatch(/^longshore_facade_request_duration_seconds_count\{route="[^"]*stack[^"]*",method="POST"\} \d+$/m);
  });
});
