import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { sign as githubSign } from '@octokit/webhooks-methods';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChromium, screenshot } from './support/chromium.ts';
import { api, isolatedConfig, startTestMittr } from './support/mittr.ts';
import { freePort } from './support/ports.ts';
import { samlIdp } from './support/saml-idp.ts';
import { RecordingSink, type Received } from './support/sink.ts';

const SHOTS = 'dashboard';
const LIVE_MS = 45_000;

/** What axe-core finds against labelled, named, keyboard-usable controls (WCAG 2 A and AA, colour contrast aside: the theme is the customer's). */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).disableRules(['color-contrast']).analyze();
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The browser's getComputedStyle, typed here: this file is not compiled with the DOM's types. */
type Styles = { getComputedStyle(el: unknown): { backgroundColor: string } };
/** An element's background colour as the browser computes it. */
const backgroundOf = (l: Locator) => l.evaluate((el) => (globalThis as unknown as Styles).getComputedStyle(el).backgroundColor);

const headerLines = (r: Received) => Object.entries(r.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`).join('\n');

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core), against mittr
 * with every role and a loopback receiver: sign up, log in with the keyboard, create an endpoint,
 * watch an event turn delivered without reloading (the stats WebSocket), break the receiver, see
 * the failure, replay it, and check a real delivery in the verifier, then a re-serialized body.
 */
describe('the dashboard, in Chromium', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let browser: Awaited<ReturnType<typeof openChromium>>;
  let page: Page;
  const sink = new RecordingSink();
  let sinkUrl: string;
  const email = `ui${Date.now()}@example.test`;
  const password = 'correct horse battery';
  let apiKey = '';
  let endpointId = '';
  let sent = 0;

  beforeAll(async () => {
    sinkUrl = await sink.start();
    // The page's origin must be mittr's public URL: the stats stream refuses other origins.
    const port = await freePort();
    // The alert evaluator every second, so a rule made on the Alerts page fires while the spec waits.
    env = await startTestMittr({ ...isolatedConfig({ PORT: String(port), MITTR_PUBLIC_URL: `http://127.0.0.1:${port}` }), alerting: { evaluateEveryMs: 1_000 } });
    browser = await openChromium();
    page = browser.page;
    page.setDefaultTimeout(20_000);
  });
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    await sink.stop();
  });

  const send = async (payload: object, extra: object = {}) => {
    const r = await api(env.url, apiKey)('POST', '/api/v1/events', { eventType: 'order.created', payload, ...extra }, { 'x-idempotency-key': `ui-${++sent}` });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return (r.body as { id: string }).id;
  };
  const row = (id: string, status: string) => page.locator(`tr[data-event-id="${id}"] [data-status="${status}"]`);

  it('signs up, shows the API key once, and logs in again with the keyboard alone', async () => {
    await page.goto(`${env.url}/ui/signup`);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByLabel('Company name').fill('Browser Co');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign up' }).click();
    apiKey = (await page.getByTestId('api-key').textContent())!.trim();
    expect(apiKey).toMatch(/^mtr_/);
    await screenshot(page, SHOTS, 'signup');
    await page.getByRole('button', { name: 'Go to the dashboard' }).click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to mittr' }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, SHOTS, 'login');
    // Tab from the top of the page: e-mail, password, then the button, with Enter.
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Log in');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Events' }).waitFor();
  });

  it('creates an endpoint to the receiver, with every field on the form', async () => {
    await page.getByRole('link', { name: 'Endpoints' }).click();
    await page.getByRole('link', { name: 'New endpoint' }).click();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByLabel('URL').fill(`${sinkUrl}/hook`);
    await page.getByLabel('Event types (comma-separated, * wildcards)').fill('order.*');
    await page.getByLabel('Description').fill('the browser spec\'s receiver');
    await page.getByLabel('Circuit breaker threshold (0: off)').fill('0');
    await page.getByRole('button', { name: 'Create the endpoint' }).click();
    await page.getByRole('heading', { name: /^Endpoint / }).waitFor();
    endpointId = page.url().split('/').pop()!;
    const shown = await api(env.url, apiKey)('GET', `/api/v1/endpoints/${endpointId}`);
    expect(shown.body).toMatchObject({ url: `${sinkUrl}/hook`, eventTypes: ['order.*'], description: 'the browser spec\'s receiver', circuitThreshold: 0 });
    await screenshot(page, SHOTS, 'endpoint');
  });

  it('shows an event turn delivered live, without a reload', async () => {
    await page.getByRole('link', { name: 'Events' }).click();
    await page.locator('.counts').waitFor(); // the stream's first frame
    const id = await send({ orderId: 'ord_1', amount: 4200 });
    await row(id, 'delivered').waitFor({ timeout: LIVE_MS });
    expect(sink.received.some((r) => r.headers['x-mittr-event-id'] === id)).toBe(true);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, SHOTS, 'events');
  });

  it('shows a broken receiver\'s failure on the event page, and replays it once fixed', async () => {
    sink.responder = () => ({ status: 500, body: 'receiver is down' });
    const id = await send({ orderId: 'ord_2' }, { maxAttempts: 1 });
    await row(id, 'dead').waitFor({ timeout: LIVE_MS });
    await page.locator(`tr[data-event-id="${id}"] a`).click();
    await page.locator('tr[data-outcome] strong', { hasText: '500' }).waitFor();
    expect(await page.locator('.attempts').textContent()).toContain('5xx');
    await screenshot(page, SHOTS, 'event-failed');
    sink.responder = () => ({ status: 200, body: 'OK' });
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    await page.locator('h1 + p [data-status="delivered"]').waitFor({ timeout: LIVE_MS });
    await page.locator('tr[data-outcome] strong', { hasText: '200' }).waitFor({ timeout: LIVE_MS });
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, SHOTS, 'event-replayed');
  });

  it('verifies a real delivery in the browser (match), and names a re-serialized body', async () => {
    await page.goto(`${env.url}/ui/endpoints/${endpointId}`);
    await page.getByRole('button', { name: 'Reveal the secret' }).click();
    const secret = (await page.getByTestId('signing-secret').textContent())!.trim();
    const delivery = sink.received.find((r) => r.url === '/hook')!;
    // Nothing pasted leaves the page: no request is made while verifying.
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.getByRole('link', { name: 'Verifier' }).click();
    await page.getByLabel('Headers (Name: value lines, or JSON)').fill(headerLines(delivery));
    await page.getByLabel('Raw body').fill(delivery.body);
    await page.getByLabel('Secret', { exact: true }).fill(secret);
    requests.length = 0;
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.locator('.verdict[data-reason="match"]').waitFor();
    expect(requests).toEqual([]);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, SHOTS, 'verifier-match');
    await page.getByLabel('Raw body').fill(JSON.stringify(JSON.parse(delivery.body), null, 2));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.locator('.verdict[data-reason="body_reserialized"]').waitFor();
    await screenshot(page, SHOTS, 'verifier-tampered');
  });

  it('tries a typed transformation and a refusing filter on the endpoint\'s last event, saving neither', async () => {
    await page.goto(`${env.url}/ui/endpoints/${endpointId}`);
    const sample = page.getByLabel('Sample event (JSON: type, payload, headers)');
    // Prefilled from the endpoint's last delivered event (the ones sent above), not the example.
    await expect.poll(() => sample.inputValue(), { timeout: 10_000 }).toMatch(/"orderId": "ord_[12]"/);
    await sample.fill(JSON.stringify({ type: 'order.created', payload: { orderId: 'ord_9', amount: 4200 }, headers: {} }));
    // Typed with the keyboard, as a person would, into the labelled editor.
    await page.getByLabel('Transformation to try (JavaScript, empty: none)').focus();
    await page.keyboard.type('function transform(w) { w.payload.total = w.payload.amount / 100; w.headers["X-Shop"] = "acme"; return w; }');
    await page.getByRole('button', { name: 'Try it', exact: true }).click();
    const result = page.getByTestId('try-result');
    await result.and(page.locator('[data-outcome="transformed"]')).waitFor();
    expect(JSON.parse((await page.getByTestId('try-payload').textContent())!)).toEqual({ orderId: 'ord_9', amount: 4200, total: 42 });
    expect(await result.getAttribute('data-delivered')).toBe('true');
    expect(await result.textContent()).toContain('X-Shop');
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, SHOTS, 'try-transformed');
    await page.getByLabel('Filter rules to try (JSON array, empty: none)').fill('[{"field": "$.data.amount", "operator": "gt", "value": 10000}]');
    await page.getByRole('button', { name: 'Try it', exact: true }).click();
    await result.and(page.locator('[data-filter="refused"]')).waitFor();
    expect(await result.getAttribute('data-delivered')).toBe('false');
    expect(await page.getByTestId('try-filter').textContent()).toBe('Not matched: rule 1 ($.data.amount gt) refused the event.');
    await screenshot(page, SHOTS, 'try-filtered');
    await page.getByLabel('Transformation to try (JavaScript, empty: none)').fill('function transform(w) { throw new Error("no customer"); }');
    await page.getByLabel('Filter rules to try (JSON array, empty: none)').fill('');
    await page.getByRole('button', { name: 'Try it', exact: true }).click();
    await result.and(page.locator('[data-outcome="error"]')).waitFor();
    expect(await page.getByTestId('try-error').textContent()).toContain('Error: no customer');
    // A trial is not a save.
    expect((await api(env.url, apiKey)('GET', `/api/v1/endpoints/${endpointId}`)).body).toMatchObject({ filter: null, transformation: null });
  });

  it('draws the analytics charts, and the workspace\'s pages answer', async () => {
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.locator('figure svg').first().waitFor();
    expect(await page.locator('figure').count()).toBe(4);
    await screenshot(page, SHOTS, 'analytics');
    for (const [link, heading] of [['Team', 'Team'], ['API keys', 'API keys'], ['Projects', 'Projects']] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.locator('tbody tr').first().waitFor();
      expect(await page.locator('.error').count()).toBe(0);
    }
    await page.getByRole('link', { name: 'Event types', exact: true }).click();
    await page.getByLabel('Event type name').fill('order.created');
    await page.getByRole('button', { name: 'Create the event type' }).click();
    await page.locator('tbody tr', { hasText: 'order.created' }).or(page.locator('.error')).waitFor();
    expect(await page.locator('.error').count(), await page.locator('main').textContent() ?? '').toBe(0);
    await screenshot(page, SHOTS, 'event-types');
  });
  it('previews a plan change with its charge today, applies it, cancels at period end and resumes (no provider: nothing charged)', async () => {
    await page.getByRole('link', { name: 'Billing', exact: true }).click();
    await page.getByRole('heading', { name: 'Billing', exact: true }).waitFor();
    await page.getByLabel('Plan', { exact: true }).selectOption('growth');
    await page.getByLabel('Billing cycle').selectOption('monthly');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('status').filter({ hasText: 'You\'ll be charged $49.00 today' }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, SHOTS, 'billing-preview');
    await page.getByRole('button', { name: 'Confirm the change' }).click();
    await page.locator('dd', { hasText: 'growth (monthly)' }).waitFor();
    expect((await api(env.url, apiKey)('GET', '/api/v1/entitlements')).body).toMatchObject({ plan: 'growth' });
    await page.getByRole('button', { name: 'Cancel at period end' }).click();
    await page.locator('dd', { hasText: 'canceling' }).waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('dd', { hasText: 'active' }).waitFor();
    expect(await page.locator('.error').count()).toBe(0);
    await screenshot(page, SHOTS, 'billing');
  });

  it('shows the usage against the plan, and the audit log of those changes, filtered', async () => {
    await page.getByRole('link', { name: 'Usage', exact: true }).click();
    await page.locator('dd', { hasText: 'growth' }).waitFor();
    await page.locator('tbody tr').first().waitFor();
    expect(await page.locator('.error').count(), await page.locator('main').textContent() ?? '').toBe(0);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.locator('tr[data-action^="endpoint."]').first().waitFor();
    await page.getByLabel('Resource (endpoint, api_key, subscription, ...)').fill('subscription');
    await page.getByRole('button', { name: 'Filter' }).click();
    // The filtered page replaces the whole log: no endpoint's line is left in it.
    await expect.poll(() => page.locator('tr[data-action^="endpoint."]').count()).toBe(0);
    await page.locator('tr[data-action="subscription.resumed"]').waitFor();
    expect(await page.locator('tr[data-action="subscription.started"]').count()).toBe(1);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, SHOTS, 'audit-log');
  });

  it('opens the portal through an exchange URL, framed only by the sub-account\'s origins, showing that sub-account alone', async () => {
    const call = api(env.url, apiKey);
    const origin = 'https://app.customer.example';
    const made: Record<string, { id: string; endpointId: string; eventId: string }> = {};
    for (const name of ['Acme', 'Globex']) {
      // Acme's portal is themed by configuration: a green primary colour, a pink accent, dark.
      const portalTheme = name === 'Acme' ? { primaryColor: '#0a7f5a', accentColor: '#ff0066', mode: 'dark' } : undefined;
      const sa = await call('POST', '/api/v1/sub-accounts', { name, subID: `${name.toLowerCase()}-${Date.now()}`, allowedOrigins: [origin], portalTheme });
      expect(sa.status, JSON.stringify(sa.body)).toBe(201);
      const id = (sa.body as { id: string }).id;
      const ep = await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/portal-${name}`, eventTypes: ['order.created'], subAccountId: id });
      expect(ep.status, JSON.stringify(ep.body)).toBe(201);
      const eventId = await send({ customer: name }, { subAccountId: id });
      made[name] = { id, endpointId: (ep.body as { id: string }).id, eventId };
    }
    const session = await call('POST', `/api/v1/sub-accounts/${made.Acme!.id}/sessions`, { returnURL: `${origin}/settings`, ttlSeconds: 600 });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    const url = (session.body as { url: string }).url;
    expect(url.startsWith(`${env.url}/portal/exchange?token=`)).toBe(true);

    const opened = await page.goto(url);
    expect(opened!.headers()['content-security-policy']).toContain(`frame-ancestors ${origin}`);
    await page.getByTestId('sub-account-name').filter({ hasText: 'Acme' }).waitFor();
    await page.locator(`tr[data-endpoint-id="${made.Acme!.endpointId}"]`).waitFor();
    expect(await page.locator(`tr[data-endpoint-id="${made.Globex!.endpointId}"]`).count()).toBe(0);
    // The configured theme, as the browser computes it: no query parameter asked for it.
    const add = page.getByRole('button', { name: 'Add', exact: true });
    await expect.poll(() => backgroundOf(add)).toBe('rgb(10, 127, 90)');
    expect(await page.evaluate(`[document.documentElement.dataset.theme, getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()]`)).toEqual(['dark', '#ff0066']);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, SHOTS, 'portal-endpoints');
    // The query overrides the configuration (and stays for the tab).
    await page.goto(`${env.url}/portal/endpoints?sa=${made.Acme!.id}&primary=%23aa0000&theme=light`);
    await expect.poll(() => backgroundOf(add)).toBe('rgb(170, 0, 0)');
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('light');
    await page.getByRole('link', { name: 'Events', exact: true }).click();
    await page.locator(`tr[data-event-id="${made.Acme!.eventId}"]`).waitFor();
    expect(await page.locator(`tr[data-event-id="${made.Globex!.eventId}"]`).count()).toBe(0);
    // A reload inside the iframe is framed by the same origins (the page names its sub-account).
    const reloaded = await page.reload();
    expect(reloaded!.headers()['content-security-policy']).toContain(`frame-ancestors ${origin}`);
    await page.locator(`tr[data-event-id="${made.Acme!.eventId}"]`).waitFor();
    await screenshot(page, SHOTS, 'portal-events');
    // The token was for one use: opened again, it names no sub-account, and only mittr may frame it.
    const again = await page.goto(url);
    expect(again!.headers()['content-security-policy']).toContain("frame-ancestors 'self'");
  });

  it('creates a sub-account on its page, edits its portal theme, mints a portal session there and opens it, then revokes and deactivates', async () => {
    const origin = 'https://shop.customer.example';
    const subID = `initech-${Date.now()}`;
    await page.goto(`${env.url}/ui/sub-accounts`);
    await page.getByRole('heading', { name: 'Sub-accounts', exact: true }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Initech');
    await page.getByLabel('Sub-account ID (yours, unique in the project)').fill(subID);
    await page.getByLabel('Metadata (JSON object)').fill('{"plan": "pro"}');
    await page.getByLabel('Allowed origins (may embed the portal; comma-separated)').fill(origin);
    await page.getByRole('button', { name: 'Create the sub-account' }).click();
    await page.getByRole('heading', { name: 'Sub-account Initech' }).waitFor();
    const id = page.url().split('/').pop()!;
    await page.getByRole('link', { name: 'All sub-accounts' }).click();
    await page.locator(`tr[data-sub-account-id="${id}"]`, { hasText: subID }).waitFor();
    await page.getByRole('link', { name: 'Initech', exact: true }).click();
    // One edit: the portal's theme, then saved (the API answers it back).
    await page.getByLabel('Primary colour (hex)').fill('#0a7f5a');
    await page.getByRole('radio', { name: 'dark', exact: true }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('h1 + p', { hasText: 'v2 ·' }).waitFor();
    const saved = await api(env.url, apiKey)('GET', `/api/v1/sub-accounts/${id}`);
    expect(saved.body).toMatchObject({ metadata: { plan: 'pro' }, allowedOrigins: [origin], portalTheme: { primaryColor: '#0a7f5a', mode: 'dark', accentColor: null } });
    await page.getByLabel('Return URL (the portal\'s back link)').fill(`${origin}/settings`);
    await page.getByLabel('Idle lifetime (seconds, 60-86400)').fill('600');
    await page.getByRole('button', { name: 'Create a portal session' }).click();
    const url = await page.getByTestId('portal-url').inputValue();
    expect(url.startsWith(`${env.url}/portal/exchange?token=`)).toBe(true);
    await page.locator('tr[data-session-id] td', { hasText: 'pending' }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, SHOTS, 'sub-account');
    // The minted URL opens the portal on this sub-account, themed as just saved, in a fresh tab
    // (the tab above keeps the earlier test's query theme for its lifetime).
    const tab = await browser.context.newPage();
    await tab.goto(url);
    await tab.getByTestId('sub-account-name').filter({ hasText: 'Initech' }).waitFor();
    // The theme is applied as the session's page renders; waited for (bounded), then checked.
    await tab.waitForFunction("document.documentElement.dataset.theme === 'dark'", undefined, { timeout: 5_000 }).catch(() => undefined);
    expect(await tab.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    await tab.close();
    await page.reload();
    await page.locator('tr[data-session-id] td', { hasText: 'active' }).waitFor();
    await page.getByRole('button', { name: 'Revoke all sessions' }).click();
    await page.getByRole('status').filter({ hasText: 'Revoked 1 session.' }).waitFor();
    await expect.poll(() => page.locator('tr[data-session-id]').count()).toBe(0);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Deactivate the sub-account' }).click();
    await page.locator('h1 + p [data-status="deactivated"]').waitFor();
    expect(await page.locator('.error').count()).toBe(0);
  });

  it('creates a GitHub inbound endpoint from its preset, shows its receiver URL and the requests it took (verified, refused), and edits it', async () => {
    const secret = `gh-${randomUUID()}`;
    await page.goto(`${env.url}/ui/inbound`);
    await page.getByRole('heading', { name: 'Inbound endpoints', exact: true }).waitFor();
    await page.getByLabel('Preset (the provider)').selectOption('github');
    await page.getByLabel('Name', { exact: true }).fill('GitHub pushes');
    const secretField = page.getByLabel(/^The webhook secret/);
    expect(await secretField.getAttribute('type')).toBe('password');
    await secretField.fill(secret);
    await page.getByLabel(`${sinkUrl}/hook`).check();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create the inbound endpoint' }).click();
    await page.getByRole('heading', { name: 'Inbound endpoint GitHub pushes' }).waitFor();
    const id = page.url().split('/').pop()!;
    const receiver = await page.getByTestId('receiver-url').inputValue();
    expect(receiver).toMatch(new RegExp(`^${env.url}/inbound/`));
    expect(await page.content()).not.toContain(secret);
    // GitHub's own signing library on the good request; a forged signature on the other.
    const body = JSON.stringify({ ref: 'refs/heads/main', commits: [] });
    const post = async (signature: string) => (await fetch(receiver, { method: 'POST', body, headers: {
      'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signature,
    } })).status;
    expect(await post(await githubSign(secret, body))).toBe(202);
    expect(await post(await githubSign('not-the-secret', body))).toBe(401);
    const rows = page.locator('tr[data-request-id]');
    await expect.poll(async () => { await page.getByRole('button', { name: 'Refresh the requests' }).click(); return rows.count(); }, { timeout: 15_000 }).toBe(2);
    const good = page.locator('tr[data-verified="true"]');
    expect(await good.textContent()).toContain('verified');
    expect(await good.getByRole('link', { name: 'push' }).getAttribute('href')).toMatch(/^\/ui\/events\/.+/);
    expect(await page.locator('tr[data-verified="false"]').textContent()).toContain('bad_signature');
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, SHOTS, 'inbound-endpoint');
    // One edit; the secret left empty stays as it was.
    await page.getByLabel('Description').fill('pushes to main');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('h1 + p', { hasText: 'v2 ·' }).waitFor();
    const saved = (await api(env.url, apiKey)('GET', `/api/v1/inbound-endpoints/${id}`)).body as { description: string; sourceConfig: Record<string, string>; destinationIds: string[] };
    expect(saved).toMatchObject({ description: 'pushes to main', sourceConfig: { secret: `****${secret.slice(-4)}` }, destinationIds: [endpointId] });
    await page.getByRole('link', { name: 'All inbound endpoints' }).click();
    await page.locator(`tr[data-inbound-id="${id}"]`, { hasText: receiver }).waitFor();
    expect(await page.locator('.error').count()).toBe(0);
    // Deleted on its page: the receiver URL stops answering.
    await page.getByRole('link', { name: 'GitHub pushes', exact: true }).click();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete the inbound endpoint' }).click();
    await page.getByRole('heading', { name: 'Inbound endpoints', exact: true }).waitFor();
    expect((await api(env.url, apiKey)('GET', `/api/v1/inbound-endpoints/${id}`)).status).toBe(404);
    expect(await post(await githubSign(secret, body))).toBe(404);
  });

  it('creates a webhook connector on its page, sends a test notification to the receiver, lists and edits it', async () => {
    const token = randomUUID().slice(0, 8);
    await page.goto(`${env.url}/ui/connectors`);
    await page.getByRole('heading', { name: 'Connectors', exact: true }).waitFor();
    await page.getByLabel('Type', { exact: true }).selectOption('webhook');
    await page.getByLabel('Name (unique in the project)').fill('ops-webhook');
    const url = page.getByLabel(/^Where to POST/);
    expect(await url.getAttribute('type')).toBe('password');
    await url.fill(`${sinkUrl}/connector/${token}`);
    await page.getByLabel('Event types (comma-separated, * wildcards; none: alerts only)').fill('order.*');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create the connector' }).click();
    await page.getByRole('heading', { name: 'Connector ops-webhook' }).waitFor();
    const id = page.url().split('/').pop()!;
    expect(await page.content()).not.toContain(token);
    await page.getByRole('button', { name: 'Send a test notification' }).click();
    await page.getByRole('status').filter({ hasText: 'Delivered: the target answered 200' }).waitFor();
    expect(sink.received.some((r) => r.url === `/connector/${token}`)).toBe(true);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, SHOTS, 'connector');
    // One edit; the URL left empty is kept.
    await page.getByLabel('Description').fill('order events for ops');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('h1 + p', { hasText: 'v2 ·' }).waitFor();
    expect((await api(env.url, apiKey)('GET', `/api/v1/connectors/${id}`)).body).toMatchObject({ description: 'order events for ops', eventTypes: ['order.*'], type: 'webhook', is_active: true });
    await page.getByRole('button', { name: 'Send a test notification' }).click();
    await expect.poll(() => sink.received.filter((r) => r.url === `/connector/${token}`).length).toBe(2);
    await page.getByRole('link', { name: 'All connectors' }).click();
    await page.locator(`tr[data-connector-id="${id}"]`, { hasText: 'order.*' }).waitFor();
    expect(await page.locator('.error').count()).toBe(0);
    await page.getByRole('link', { name: 'ops-webhook', exact: true }).click();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete the connector' }).click();
    await page.getByRole('heading', { name: 'Connectors', exact: true }).waitFor();
    expect((await api(env.url, apiKey)('GET', `/api/v1/connectors/${id}`)).status).toBe(404);
  });

  it('creates an alert rule on its page, sees it fire into its history and notify the receiver, edits it and evaluates the rules now', async () => {
    const token = randomUUID().slice(0, 8);
    await page.goto(`${env.url}/ui/alerts`);
    await page.getByRole('heading', { name: 'Alert rules', exact: true }).waitFor();
    await page.getByLabel('Rule name (unique in the project)').fill('any-delivery');
    await page.getByLabel('Metric', { exact: true }).selectOption('delivery_count');
    await page.getByLabel('Operator', { exact: true }).selectOption('gt');
    await page.getByLabel('Threshold (rates as a fraction: 0.1 is 10%; latency in ms)').fill('0');
    await page.getByLabel('Window (1m-24h)').fill('1h');
    await page.getByLabel('Action', { exact: true }).selectOption('webhook');
    const hook = page.getByLabel('Webhook URL', { exact: true });
    expect(await hook.getAttribute('type')).toBe('password');
    await hook.fill(`${sinkUrl}/alert/${token}`);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create the alert rule' }).click();
    await page.getByRole('heading', { name: 'Alert rule any-delivery' }).waitFor();
    const id = page.url().split('/').pop()!;
    expect(await page.content()).not.toContain(token);
    // The deliveries of the tests above count: the evaluator fires it and POSTs to the receiver.
    await expect.poll(async () => {
      await page.getByRole('button', { name: 'Refresh the history' }).click();
      return page.locator('tr[data-alert-state="fired"]').count();
    }, { timeout: 30_000, interval: 1_000 }).toBeGreaterThan(0);
    await expect.poll(() => sink.received.some((r) => r.url === `/alert/${token}`), { timeout: 15_000 }).toBe(true);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, SHOTS, 'alert-rule');
    // One edit: a higher bar (the webhook URL left empty is kept).
    await page.getByLabel('Threshold (rates as a fraction: 0.1 is 10%; latency in ms)').fill('100000');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('h1 + p', { hasText: 'v2 ·' }).waitFor();
    expect((await api(env.url, apiKey)('GET', `/api/v1/alerting/rules/${id}`)).body).toMatchObject({ condition: { metric: 'delivery_count', value: 100000, window: '1h' }, action: { type: 'webhook' } });
    await page.getByRole('link', { name: 'All alert rules' }).click();
    await page.locator(`tr[data-rule-id="${id}"]`, { hasText: 'delivery_count gt 100000 over 1h' }).waitFor();
    await page.getByRole('button', { name: 'Evaluate the rules now' }).click();
    expect(await page.locator(`tr[data-evaluated="${id}"]`).textContent()).toContain('delivery_count gt 100000');
    expect(await page.locator('.error').count()).toBe(0);
    await page.getByRole('link', { name: 'any-delivery', exact: true }).first().click();
    await page.getByRole('button', { name: 'Disable the rule' }).click();
    await page.getByRole('button', { name: 'Enable the rule' }).waitFor();
    expect((await api(env.url, apiKey)('GET', `/api/v1/alerting/rules/${id}`)).body).toMatchObject({ enabled: false });
  });

  it('configures SAML from an IdP\'s metadata on the SSO page, shows what to give the IdP, edits it, and issues, uses and revokes a SCIM token', async () => {
    const tag = randomUUID().slice(0, 8);
    const idp = samlIdp(`https://idp-${tag}.example/entity`, `https://idp-${tag}.example/sso`);
    const call = api(env.url, apiKey);
    await page.goto(`${env.url}/ui/sso`);
    await page.getByRole('heading', { name: 'Single sign-on', exact: true }).waitFor();
    await page.getByText('Not configured').waitFor();
    await page.getByLabel(/^IdP metadata XML/).fill(idp.metadata);
    await page.getByLabel('E-mail domains (comma-separated)').fill(`sso-${tag}.test`);
    await page.getByLabel(/^Enforce:/).check();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save the SAML settings' }).click();
    await page.getByTestId('saml-version').filter({ hasText: 'v1' }).waitFor();
    const acs = await page.getByLabel('Assertion consumer service URL').inputValue();
    expect(acs).toMatch(new RegExp(`^${env.url}/auth/sso/saml/.+/saml/acs$`));
    expect((await call('GET', '/api/v1/sso/saml')).body).toMatchObject({ idpEntityId: idp.entityId, idpSsoUrl: idp.ssoUrl, allowedDomains: [`sso-${tag}.test`], enforced: true, defaultRole: 'viewer' });
    // One edit: provisioned members become editors; the IdP read from the metadata stays.
    await page.getByLabel('Role of provisioned members').selectOption('editor');
    await page.getByRole('button', { name: 'Save the SAML settings' }).click();
    await page.getByTestId('saml-version').filter({ hasText: 'v2' }).waitFor();
    expect((await call('GET', '/api/v1/sso/saml')).body).toMatchObject({ idpEntityId: idp.entityId, defaultRole: 'editor', version: 2 });
    await screenshot(page, SHOTS, 'sso');
    // SCIM needs the Scale plan: on Growth the page shows the API's refusal.
    await page.getByLabel('Identity provider holding the token').fill('Okta');
    await page.getByRole('button', { name: 'Issue a SCIM token' }).click();
    await page.locator('.error').filter({ hasText: /SCIM|plan/i }).waitFor();
    expect((await call('POST', '/api/v1/billing/update', { planId: 'scale', cycle: 'monthly' })).status).toBe(200);
    await page.getByRole('button', { name: 'Issue a SCIM token' }).click();
    const token = await page.getByTestId('scim-token').inputValue();
    const scim = (bearer: string) => fetch(`${env.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${bearer}` } }).then((r) => r.status);
    expect(await scim(token)).toBe(200);
    const row = page.locator('tr[data-scim-token-id]', { hasText: 'Okta' });
    await row.waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, SHOTS, 'sso-scim');
    await page.getByRole('button', { name: 'Revoke the SCIM token Okta' }).click();
    await expect.poll(() => row.count()).toBe(0);
    expect(await page.getByTestId('scim-token').count()).toBe(0);
    expect(await scim(token)).toBe(401);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Remove the SAML settings' }).click();
    await page.getByText('Not configured').waitFor();
    expect((await call('GET', '/api/v1/sso/saml')).status).toBe(404);
  });

  // Last: it erases the workspace every test above used.
  it('downloads the GDPR export on the Privacy page, then erases the workspace once its name is typed', async () => {
    await page.goto(`${env.url}/ui/privacy`);
    await page.getByRole('heading', { name: 'Data and privacy', exact: true }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the export' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^mittr-export-.+\.json$/);
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8')) as { format: string; account: { companyName: string }; endpoints: Array<{ id: string }> };
    expect(exported).toMatchObject({ format: 'mittr.gdpr-export/1', account: { companyName: 'Browser Co' } });
    expect(exported.endpoints.map((e) => e.id)).toContain(endpointId);
    const erase = page.getByRole('button', { name: 'Erase the workspace for ever' });
    const confirm = page.getByLabel('Type the workspace\'s name (Browser Co) to confirm');
    await confirm.fill('Browser');
    expect(await erase.isDisabled()).toBe(true);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, SHOTS, 'privacy');
    await confirm.fill('Browser Co');
    await erase.click();
    await page.getByRole('status').filter({ hasText: 'Erased at' }).waitFor();
    expect((await api(env.url, apiKey)('GET', '/api/v1/endpoints')).status).toBe(401);
    await page.getByRole('link', { name: 'Go to the login page' }).click();
    await page.getByRole('heading', { name: 'Log in to mittr' }).waitFor();
  });
});
