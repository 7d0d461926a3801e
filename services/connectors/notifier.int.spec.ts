import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink } from '../../test/support/sink.ts';
import { RecordingSmtp } from '../../test/support/smtp.ts';
import { notificationId } from './notifier.ts';

/**
 * Events sent through POST /api/v1/events reach connectors on the real stack: a Slack-shaped
 * receiver on loopback through the notifier and the delivery engine, and a real SMTP server
 * through the notifier's own mail, both with the default templates; filters keep others away.
 */
describe('the notifier: events to connectors, end to end', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;
  const slack = new RecordingSink();
  const smtp = new RecordingSmtp();
  let slackUrl: string;
  let n = 0;
  let cbHealthy = false;
  const send = (eventType: string, payload: Record<string, unknown>) =>
    call('POST', '/api/v1/events', { eventType, payload }, { 'x-idempotency-key': `n${++n}-${Date.now()}` });

  beforeAll(async () => {
    [slackUrl] = await Promise.all([slack.start(), smtp.start()]);
    slack.responder = (r) => ({ status: r.url === '/cb' && !cbHealthy ? 500 : 200, body: 'ok' });
    env = await startTestMittr();
    call = api(env.url, (await signup(env.url)).apiKey);
    const filter = [{ field: '$.data.amount', operator: 'gte', value: 100 }];
    expect((await call('POST', '/api/v1/connectors', { name: 'orders-slack', type: 'slack', events: ['order.*'], filter: null,
      config: { webhookUrl: `${slackUrl}/services/T0/B0/x`, channel: '#orders', username: 'Mittr', iconEmoji: ':satellite:' } })).status).toBe(201);
    expect((await call('POST', '/api/v1/connectors', { name: 'big-orders-mail', type: 'email', eventTypes: ['order.*'], filter, categories: ['shop'],
      config: { smtpHost: '127.0.0.1', smtpPort: smtp.port, fromEmail: 'alerts@example.test', toEmails: ['oncall@example.test'] } })).status).toBe(201);
    expect((await call('POST', '/api/v1/connectors', { name: 'orders-hook', type: 'webhook', eventTypes: ['order.created'],
      config: { url: `${slackUrl}/hook?token=t0k3n`, headers: { authorization: 'Bearer s3cr3t' } } })).status).toBe(201);
    expect((await call('POST', '/api/v1/connectors', { name: 'bad-template', type: 'slack', eventTypes: ['order.*'],
      template: { text: '{{range .items}}{{range $.items}}{{range $.items}}{{range $.items}}{{.}}{{end}}{{end}}{{end}}{{end}}' },
      config: { webhookUrl: `${slackUrl}/never` } })).status).toBe(201);
    // No warm-up: each event names the connectors offset the API had applied, and the notifier
    // waits (bounded) until it has them too, so the events sent next see all four connectors.
  });
  afterAll(async () => {
    await env?.stop();
    await Promise.all([slack.stop(), smtp.stop()]);
  });

  it('delivers a matching event as Slack\'s native message and as mail, each with its default template; a filtered-out event reaches neither', async () => {
    const items = Array.from({ length: 200 }, (_, i) => 'x'.repeat(200) + i);
    const small = await send('order.created', { message: 'small order', amount: 5, category: 'shop', items });
    const big = await send('order.created', { message: 'big order', amount: 500, category: 'shop', customer: 'Ann', items });
    const other = await send('user.created', { message: 'not an order', amount: 1000, category: 'shop' });
    expect([small.status, big.status, other.status]).toEqual([201, 201, 201]);

    // The webhook connector posts to the same receiver (/hook), in no set order: Slack's messages are those at its path.
    const atSlack = (r: { url: string }) => r.url === '/services/T0/B0/x';
    const got = await slack.waitFor((rs) => rs.some((r) => atSlack(r) && r.body.includes('big order')) && rs.some((r) => atSlack(r) && r.body.includes('small order')), 30_000);
    const bigMessage = JSON.parse(got.find((r) => atSlack(r) && r.body.includes('big order'))!.body);
    expect(bigMessage).toMatchObject({ text: 'order.created: big order', channel: '#orders', username: 'Mittr', icon_emoji: ':satellite:', attachments: [{ color: '#36a64f' }] });
    expect(bigMessage.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section']);
    const hit = got.find((r) => atSlack(r) && r.body.includes('big order'))!;
    expect(hit.url).toBe('/services/T0/B0/x');
    // Through the delivery engine: signed as every delivery is, under the notification's own id,
    // and recorded as a delivery of its own (the event's status counts only its endpoints).
    const slackId = notificationId(big.body.id, (await call('GET', '/api/v1/connectors/orders-slack')).body.id);
    expect(hit.headers['x-mittr-event-id']).toBe(slackId);
    expect(hit.headers['x-mittr-signature']).toBeDefined();
    /** The recorded attempts of one notification (GET /deliveries lists every attempt of the project). */
    const attemptsOf = (id: string) => eventually(async () => {
      const r = await call('GET', '/api/v1/deliveries?event_type=order.created&limit=200');
      const mine = (r.body.data ?? []).filter((a: { eventId: string }) => a.eventId === id);
      return mine.length > 0 && mine;
    }, 15_000);
    const attempts = await attemptsOf(slackId);
    await eventually(async () => (await call('GET', `/api/v1/events/${big.body.id}`)).body.status === 'delivered', 15_000);
    // The attempt kept forever names the masked URL, never the webhook's secret path.
    expect(attempts[0]).toMatchObject({ statusCode: 200, url: `${new URL(slackUrl).origin}/****` });
    expect(JSON.stringify(attempts)).not.toContain('/services/T0/B0/x');

    // The webhook connector: the payload as-is, with its sealed headers, also through the engine.
    const hooked = await slack.waitFor((rs) => rs.some((r) => r.url === '/hook?token=t0k3n' && r.body.includes('big order')), 15_000);
    const hookHit = hooked.find((r) => r.url === '/hook?token=t0k3n' && r.body.includes('big order'))!;
    expect(JSON.parse(hookHit.body)).toEqual({ message: 'big order', amount: 500, category: 'shop', customer: 'Ann', items });
    expect(hookHit.headers.authorization).toBe('Bearer s3cr3t');
    const hookId = notificationId(big.body.id, (await call('GET', '/api/v1/connectors/orders-hook')).body.id);
    expect(hookHit.headers['x-mittr-event-id']).toBe(hookId);
    const hookAttempts = await attemptsOf(hookId);
    expect(JSON.stringify(hookAttempts)).not.toMatch(/t0k3n|s3cr3t/);

    const mail = await smtp.waitFor((m) => m.subject === '[Mittr] order.created', 15_000);
    expect(mail).toMatchObject({ from: 'alerts@example.test', to: ['oncall@example.test'] });
    expect(mail.text).toContain('amount: 500\n');
    expect(mail.text).toContain('customer: Ann\n');
    expect(mail.text).toContain('message: big order\n');

    // Nothing more comes: the small order is below the mail's filter, user.created is no one's type.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(smtp.received.filter((m) => m.subject.startsWith('[Mittr] order'))).toHaveLength(1);
    expect(slack.received.some((r) => r.body.includes('not an order'))).toBe(false);
    // The template that blows its render limit sends nothing, and the others went on regardless.
    expect(slack.received.some((r) => r.url === '/never')).toBe(false);
  });
  it('sends a generic connector\'s notification with its own method: PUT with the rendered body and its headers, DELETE with none', async () => {
    const generic = (name: string, method: string, extra: Record<string, unknown>) => call('POST', '/api/v1/connectors', { name, type: 'generic', eventTypes: ['sync.*'],
      config: { url: `${slackUrl}/generic/${name}?k=1`, method, headers: { 'x-api-key': `key-${name}` }, ...extra } });
    expect((await generic('put-sync', 'PUT', { bodyTemplate: '{"id":"{{.payload.id}}","kind":"{{.event_type}}"}' })).status).toBe(201);
    expect((await generic('delete-sync', 'DELETE', {})).status).toBe(201);
    const types = await call('GET', '/api/v1/connectors/types');
    expect(types.body.data.find((x: { type: string }) => x.type === 'generic').required[1].values).toEqual(['POST', 'PUT', 'PATCH', 'GET', 'DELETE']);
    expect((await send('sync.changed', { id: 'c-42' })).status).toBe(201);
    const got = await slack.waitFor((rs) => rs.filter((r) => r.url.startsWith('/generic/')).length >= 2, 30_000);
    const put = got.find((r) => r.url === '/generic/put-sync?k=1')!;
    const del = got.find((r) => r.url === '/generic/delete-sync?k=1')!;
    expect(put).toMatchObject({ method: 'PUT', body: '{"id":"c-42","kind":"sync.changed"}' });
    expect(put.headers).toMatchObject({ 'x-api-key': 'key-put-sync', 'content-type': 'application/json' });
    expect(put.headers['x-mittr-signature']).toBeDefined();
    expect(del).toMatchObject({ method: 'DELETE', body: '' });
    expect(del.headers['x-api-key']).toBe('key-delete-sync');
    expect(del.headers['content-type']).toBeUndefined();
    expect(del.headers['content-length'] ?? '0').toBe('0');
    // And the test call sends the same method.
    expect((await call('POST', '/api/v1/connectors/delete-sync/test')).body).toEqual({ success: true, status_code: 200, error: null });
    expect(slack.received.filter((r) => r.url === '/generic/delete-sync?k=1').map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
  });
  it('breaks a failing connector\'s deliveries on its own circuit (open, then one probe, closed) and paces a Slack connector at its 1/s', async () => {
    expect((await call('POST', '/api/v1/connectors', { name: 'flaky', type: 'webhook', eventTypes: ['cb.*'],
      config: { url: `${slackUrl}/cb`, circuitThreshold: 2, circuitResetSeconds: 2 } })).status).toBe(201);
    expect((await call('POST', '/api/v1/connectors', { name: 'paced', type: 'slack', eventTypes: ['flood.*'], config: { webhookUrl: `${slackUrl}/flood` } })).status).toBe(201);
    const atCb = () => slack.received.filter((r) => r.url === '/cb');
    await send('cb.failed', { n: 1 });
    // Attempt 1 and its retry ~1 s later fail: two consecutive failures open the circuit.
    await slack.waitFor(() => atCb().length === 2, 15_000);
    const openedAt = Date.now();
    // The connector's GET shows its circuit open (recorded by the engine, read from the read model).
    const open = await eventually(async () => { const c = (await call('GET', '/api/v1/connectors/flaky')).body; return c.circuit?.state === 'open' && c; }, 10_000);
    expect(open.circuit).toMatchObject({ state: 'open', consecutiveFailures: 2 });
    expect(Date.parse(open.circuit.openUntil)).toBeGreaterThan(Date.parse(open.circuit.changedAt));
    await new Promise((r) => setTimeout(r, 200));
    await send('cb.failed', { n: 2 });
    // Open: the new notification is held (not sent, no attempt burned), as are the first one's retries.
    await new Promise((r) => setTimeout(r, 1_200));
    expect(atCb()).toHaveLength(2);
    cbHealthy = true;
    // After the reset one probe goes; it succeeds, the circuit closes, and both notifications are delivered.
    await slack.waitFor(() => new Set(atCb().slice(2).map((r) => r.headers['x-mittr-event-id'])).size === 2, 30_000);
    expect(atCb()[2]!.at - openedAt).toBeGreaterThanOrEqual(1_500);
    expect(JSON.parse(atCb().at(-1)!.body)).toHaveProperty('n');
    await eventually(async () => (await call('GET', '/api/v1/connectors/flaky')).body.circuit.state === 'closed', 10_000);

    // A flood at the Slack connector: four events at once leave the engine about a second apart.
    await Promise.all([1, 2, 3, 4].map((i) => send('flood.one', { message: `flood ${i}` })));
    const flood = (await slack.waitFor((rs) => rs.filter((r) => r.url === '/flood').length === 4, 30_000)).filter((r) => r.url === '/flood');
    const gaps = flood.slice(1).map((r, i) => r.at - flood[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(850);
    await new Promise((r) => setTimeout(r, 500));
    expect(slack.received.filter((r) => r.url === '/flood')).toHaveLength(4);
  });
});
