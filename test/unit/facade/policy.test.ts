// A spec the schema allows but this operator's configuration cannot deploy is refused by the
// façade with a 400 naming the field and the rule, and nothing is written.
import { afterEach, describe, expect, it } from 'vitest';
import { defaultTranslateOptions, refusedByConfiguration } from '../../../src/translate/index.ts';
import { type Harness, startHarness } from './support/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the operator configuration, through the façade', () => {
  it('refuses a host path when host paths are not allowed, naming the service and the field', async () => {
    h = await startHarness({}, { policy: (spec) => refusedByConfiguration(spec, defaultTranslateOptions) });
    const r = await h.send('POST', '/api/app/v1/stack/', {
      body: { name: 'hosty', services: [{ name: 'web', image: 'nginx', volumes: ['/etc:/etc:ro'] }] },
    });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/services\[0\] \(web\)\.bindings\[0\]\.hostPath: host paths are not allowed/);
    expect((await h.send('GET', '/api/app/v1/stack/')).json.meta.total_count).toBe(0);
  });

  it('accepts the same stack when the configuration allows host paths', async () => {
    h = await startHarness(
      {},
      { policy: (spec) => refusedByConfiguration(spec, { ...defaultTranslateOptions, allowHostPath: true }) },
    );
    const r = await h.send('POST', '/api/app/v1/stack/', {
      body: { name: 'hosty', services: [{ name: 'web', image: 'nginx', volumes: ['/etc:/etc:ro'] }] },
    });
    expect(r.status).toBe(201);
  });

  it('refuses an update that would add host networking', async () => {
    h = await startHarness({}, { policy: (spec) => refusedByConfiguration(spec, defaultTranslateOptions) });
    const created = await h.send('POST', '/api/app/v1/stack/', {
      body: { name: 'net', services: [{ name: 'web', image: 'nginx' }] },
    });
    expect(created.status).toBe(201);
    const r = await h.send('PATCH', created.json.resource_uri, {
      body: { services: [{ name: 'web', image: 'nginx', net: 'host' }] },
    });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(/services\[0\] \(web\)\.net: .*LONGSHORE_ALLOW_HOST_NETWORK/);
  });
});
