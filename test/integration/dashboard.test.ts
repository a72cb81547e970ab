// The web dashboard in a real browser (Debian's Chromium, driven by playwright-core) against
// the real API server: sign in with a ServiceAccount token, create a stack from a stack file,
// watch it reach Running without reloading, stop, redeploy, edit it into Partly running and
// see why, terminate; a wrong token refused; a read-only token shown no actions and refused
// by the API when it tries anyway. Screenshots go to test-results/dashboard/.
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { serviceAccountApiKey } from '../clients/api-key.ts';
import { launchChromium } from './support/browser.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const kc = kubeConfig();
const ns = await createTestNamespace('dash');
// Terminated stacks stay listed for the test to see them (the default test setting is 5 s);
// each event stream lasts 2 s, so the page reconnects and resynchronises all along.
const longshore = await runLongshore(ns, {
  LONGSHORE_TERMINATED_RETENTION_SECONDS: '600',
  LONGSHORE_DASHBOARD_STREAM_SECONDS: '2',
});
const owner = await serviceAccountApiKey(kc, ns, 'owner');
const viewer = await serviceAccountApiKey(kc, ns, 'viewer', ['get', 'list']);
const browser = await launchChromium();
const dashboard = `${longshore.facadeUrl}/ui/`;
const shots = 'test-results/dashboard';
await mkdir(shots, { recursive: true });

const STACK_FILE = `web:
  image: nginx:1.27
  target_num_containers: 2
  ports:
    - "80"
  links:
    - cache
cache:
  image: redis:7
`;

/** Text in the page within the deadline, polled by the browser (no reload). */
async function seen(page: Page, selector: string, text: string | RegExp, timeoutMs = 60_000): Promise<void> {
  await page.locator(selector, { hasText: text }).first().waitFor({ timeout: timeoutMs });
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(dashboard);
  await page.getByLabel('Kubernetes token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The REST API as the owner, from outside the page. */
async function callApi(method: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${longshore.facadeUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.text()).toBeLessThan(300);
}

/** The text of the element that has the keyboard focus. */
const focused = (page: Page) =>
  page.evaluate(
    () =>
      (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement
        ?.textContent ?? null,
  );

const stateOfStack = (page: Page) => page.locator('#stack-title .state');

const page = await (await browser.newContext()).newPage();
// Anything the page logs as an error (a CSP violation, say) fails the test; refused requests
// (the wrong token's 401) are the browser's own report of a status, expected here.
const pageErrors: string[] = [];
page.on('console', (m) =>
  m.type() === 'error' && !m.text().startsWith('Failed to load resource') ? pageErrors.push(m.text()) : undefined,
);
page.on('pageerror', (e) => pageErrors.push(e.message));

describe('the dashboard in Chromium', () => {
  let stackUrl = '';
  let stackUri = '';

  it('is served with a strict Content-Security-Policy', async () => {
    const response = await fetch(dashboard);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline');
  });

  it('refuses a wrong token', async () => {
    await signIn(page, 'not-a-token');
    await seen(page, '[role=alert]', 'not accepted');
  });

  it('signs in with a token and shows the namespace, live', async () => {
    // A stack made with the REST API, as any client would: the page lists it too.
    await callApi('POST', `/api/app/v1/${ns}/stack/`, { name: 'blog', services: [{ name: 'blog', image: 'wordpress:6' }] });
    await signIn(page, owner);
    await seen(page, '.live', 'Live');
    await expect.poll(() => page.getByLabel('Namespace').inputValue()).toBe(ns);
  });

  it('reconnects after losing its stream, and catches up on what changed meanwhile', async () => {
    // Offline, the stream ends (within 2 s) and cannot be opened again.
    await page.context().setOffline(true);
    await seen(page, '.live', 'Reconnecting', 10_000);
    await callApi('POST', `/api/app/v1/${ns}/stack/`, { name: 'news', services: [{ name: 'news', image: 'nginx:1.27' }] });
    await page.context().setOffline(false);
    await seen(page, '.live', 'Live', 30_000);
    await seen(page, 'tr[data-stack="news"]', 'Not Running');
  });

  it('shows what convert refuses before saving, at the key concerned', async () => {
    await page.getByRole('link', { name: 'New stack' }).click();
    await page.getByLabel('Stack name').fill('shop');
    await page.getByLabel('Stack file (YAML)').fill('web:\n  image: nginx:1.27\n  ports:\n    - "http"\n');
    await page.getByRole('button', { name: 'Check' }).click();
    const problem = page.locator('.problem[data-key="web.ports[0]"]');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/line 4/);
  });

  it('creates and starts a stack from an uploaded file, and shows it reach Running without a reload', async () => {
    await page.getByLabel('Stack name').fill('');
    await page
      .getByLabel(/Upload a stack file/)
      .setInputFiles({ name: 'shop.yml', mimeType: 'text/yaml', buffer: Buffer.from(STACK_FILE) });
    // The name comes from the file's name, once the page has read the file.
    await expect.poll(() => page.getByLabel('Stack name').inputValue()).toBe('shop');
    await page.getByRole('button', { name: 'Create and start' }).click();
    await page.waitForURL(/#\/stack\//);
    stackUrl = page.url();
    stackUri = (await page.locator('[data-stack-uri]').getAttribute('data-stack-uri')) ?? '';
    await seen(page, '#stack-title .state', /^Running$/, 90_000);
    await seen(page, 'tr[data-service="web"]', '2/2');
    await seen(page, 'tr[data-service="web"]', `web.shop.${ns}.svc:80`);
    await page.screenshot({ path: `${shots}/stack.png`, fullPage: true });
    await page.getByRole('link', { name: 'All stacks' }).click();
    await seen(page, 'tr[data-stack="shop"]', 'Running');
    await seen(page, 'tr[data-stack="shop"]', '2/2');
    await seen(page, 'tr[data-stack="blog"]', 'Not Running');
    await page.screenshot({ path: `${shots}/list.png`, fullPage: true });
  });

  it('stops the stack and shows the action succeed', async () => {
    await page.goto(stackUrl);
    await page.getByRole('button', { name: 'Stop' }).click();
    await seen(page, '.outcome', 'Stop: Success', 60_000);
    expect(await stateOfStack(page).textContent()).toBe('Stopped');
    // Stopped allows start and redeploy, not stop.
    expect(await page.getByRole('button', { name: 'Stop' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Start' }).isEnabled()).toBe(true);
  });

  it('redeploys with fresh volumes only after confirmation', async () => {
    await page.getByLabel('Reuse volumes').uncheck();
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.accept();
    });
    await page.getByRole('button', { name: 'Redeploy' }).click();
    await seen(page, '.outcome', 'Redeploy: Success', 90_000);
    expect(asked[0]).toMatch(/empty volumes/);
    expect(await stateOfStack(page).textContent()).toBe('Running');
  });

  it('saves an edited stack file, then shows a service Partly running and why', async () => {
    const editor = page.getByLabel('Stack file (YAML)');
    await expect.poll(() => editor.inputValue()).toContain('image: nginx:1.27');
    // No node has a terabyte of memory: the huge service's Pods cannot be scheduled.
    await editor.fill(`${await editor.inputValue()}huge:\n  image: nginx:1.27\n  mem_limit: 1048576m\n`);
    await page.getByRole('button', { name: 'Save' }).click();
    await seen(page, '[role=status]', 'Saved');
    await seen(page, '#stack-title .state', /^Partly running$/, 120_000);
    await seen(page, 'tr[data-service="huge"]', '0/1');
    await seen(page, '[data-condition="Degraded"]', 'huge');
    // The stack's Events, read again as its state changed: the reason of each.
    await seen(page, 'table.events', 'PartlyRunning');
    await page.screenshot({ path: `${shots}/stack-partly-running.png`, fullPage: true });
  });

  it('terminates only after confirmation and lists the stack apart', async () => {
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Terminate' }).click();
    await seen(page, '#stack-title .state', /^Terminated$/, 90_000);
    await page.getByRole('link', { name: 'All stacks' }).click();
    await seen(page, 'table[aria-label="Terminated"] tr[data-stack="shop"]', 'Terminated');
    await seen(page, 'table[aria-label="Stacks"] tr[data-stack="blog"]', 'Not Running');
    await page.screenshot({ path: `${shots}/list-with-terminated.png`, fullPage: true });
    // The filter hides what does not match.
    await page.getByLabel('Filter by name').fill('sh');
    await page.locator('tr[data-stack="blog"]').waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  });

  it("passes axe-core's WCAG 2 A and AA checks (labels, contrast, roles) on each page", async () => {
    // axe is injected as a script of the test's, which the page's own CSP would refuse: this
    // context alone lets it in.
    const audited = await (await browser.newContext({ bypassCSP: true })).newPage();
    await signIn(audited, owner);
    await seen(audited, '.live', 'Live');
    const violations: string[] = [];
    for (const url of [dashboard, stackUrl, `${dashboard}#/new`]) {
      await audited.goto(url);
      await audited.locator('main h1').first().waitFor();
      await audited.addScriptTag({ path: AXE });
      const found = await audited.evaluate(async () => {
        const axe = (
          globalThis as unknown as {
            axe: { run(o: unknown): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
          }
        ).axe;
        const result = await axe.run({ runOnly: ['wcag2a', 'wcag2aa'] });
        return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      violations.push(...found.map((v) => `${url}: ${v}`));
    }
    expect(violations).toEqual([]);

    // The keyboard alone: the first Tab reaches "Skip to content"; a stack is opened from the
    // list with Tab and Enter.
    await audited.goto(dashboard);
    await seen(audited, 'tr[data-stack="shop"]', 'shop');
    await audited.keyboard.press('Tab');
    expect(await focused(audited)).toBe('Skip to content');
    for (let i = 0; i < 20 && (await focused(audited)) !== 'shop'; i++) {
      await audited.keyboard.press('Tab');
    }
    await audited.keyboard.press('Enter');
    await seen(audited, '#stack-title', 'shop');
  });

  it('shows a read-only user no actions, and the API refuses them anyway', async () => {
    const readOnly = await (await browser.newContext()).newPage();
    await signIn(readOnly, viewer);
    await seen(readOnly, '.live', 'Live');
    await readOnly.goto(stackUrl);
    await seen(readOnly, '#stack-title', 'shop');
    expect(await readOnly.getByRole('button', { name: /^(Start|Stop|Redeploy|Terminate|Save)$/ }).count()).toBe(0);
    expect(await readOnly.getByRole('link', { name: 'New stack' }).count()).toBe(0);
    // Forced from the page with its own token: the REST API refuses as for any client.
    const status = await readOnly.evaluate(async (uri) => {
      const token = sessionStorage.getItem('longshore.token');
      return (await fetch(`${uri}redeploy/`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })).status;
    }, stackUri);
    expect(status).toBe(403);
  });
});
