import { afterEach, describe, expect, it } from 'vitest';
import { createStack, type Harness, startHarness } from './support/harness.ts';

const TOKEN = 'a'.repeat(40);
let h: Harness;
afterEach(async () => {
  await h.close();
});

const hub = (repo_name: string, tag: string) => ({ push_data: { tag }, repository: { repo_name } });
const pushedAt = (h: Harness, name: string) =>
  h.cache.listAll().find((s) => s.metadata.name === name)?.metadata.annotations?.['longshore.io/image-pushed-at'];

describe('the registry webhook', () => {
  it('marks the stacks whose autoredeploy services follow the pushed tag, without credentials', async () => {
    h = await startHarness({}, { webhookToken: TOKEN });
    await createStack(h, 'follows', [{ name: 'web', image: 'acme/web:2', autoredeploy: true }]);
    await createStack(h, 'pinned', [{ name: 'web', image: 'acme/web:2' }]);
    await createStack(h, 'other-tag', [{ name: 'web', image: 'acme/web:1', autoredeploy: true }]);
    const reply = await h.send('POST', `/api/registry/v1/webhook/${TOKEN}/`, { body: hub('acme/web', '2'), auth: null });
    expect(reply.status).toBe(202);
    expect(reply.json).toEqual({ pushes: [{ registry: 'docker.io', repository: 'acme/web', tag: '2' }], stacks: 1 });
    expect(pushedAt(h, 'follows')).toBe('2024-03-01T12:00:00.000Z');
    expect(pushedAt(h, 'pinned')).toBeUndefined();
    expect(pushedAt(h, 'other-tag')).toBeUndefined();
  });

  it('answers a wrong token, or none configured, as a path that does not exist, and never logs the token', async () => {
    h = await startHarness({}, { webhookToken: TOKEN });
    await createStack(h, 'follows', [{ name: 'web', image: 'acme/web:2', autoredeploy: true }]);
    const wrong = await h.send('POST', `/api/registry/v1/webhook/${'b'.repeat(40)}/`, { body: hub('acme/web', '2'), auth: null });
    expect(wrong.status).toBe(404);
    expect(wrong.text).not.toContain('b'.repeat(40));
    expect(pushedAt(h, 'follows')).toBeUndefined();
    await h.close();

    h = await startHarness();
    expect((await h.send('POST', `/api/registry/v1/webhook/${TOKEN}/`, { body: hub('acme/web', '2'), auth: null })).status).toBe(
      404,
    );
    expect(JSON.stringify(h.logs)).not.toContain(TOKEN);
  });

  it('says what body it expected', async () => {
    h = await startHarness({}, { webhookToken: TOKEN });
    const reply = await h.send('POST', `/api/registry/v1/webhook/${TOKEN}/`, { body: { hello: 1 }, auth: null });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toContain('expected a Docker Hub webhook');
  });
});
