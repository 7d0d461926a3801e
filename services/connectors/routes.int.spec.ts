import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, isolatedConfig, signup, startTestMittr } from '../../test/support/mittr.ts';
import { freePort } from '../../test/support/ports.ts';
import { RecordingSink } from '../../test/support/sink.ts';
import { RecordingSmtp } from '../../test/support/smtp.ts';

const hook = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';
const slack = { name: 'prod-slack-alerts', type: 'slack', config: { webhookUrl: hook, channel: '#webhook-alerts', username: 'Mittr', iconEmoji: ':satellite:' } };

describe('connectors: CRUD by name or id, secrets masked, the test call', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;
  const sink = new RecordingSink();
  const smtp = new RecordingSmtp({ users: { relay: 'relay-pass' } });
  let sinkUrl: string;

  beforeAll(async () => {
    [sinkUrl] = await Promise.all([sink.start(), smtp.start()]);
    env = await startTestMittr();
    call = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => {
    await env?.stop();
    await Promise.all([sink.stop(), smtp.stop()]);
  });

  it('lists the types with their required and optional config fields', async () => {
    const res = await call('GET', '/api/v1/connectors/types');
    expect(res.status).toBe(200);
    expect(res.body.data.map((t: { type: string }) => t.type)).toEqual(['slack', 'discord', 'teams', 'email', 'webhook', 'zapier', 'generic']);
    expect(res.body.data.find((t: { type: string }) => t.type === 'generic')).toMatchObject({ required: [{ name: 'url', secret: true }, { name: 'method' }], optional: [{ name: 'headers' }, { name: 'bodyTemplate' }, { name: 'rateLimitPerSec', kind: 'number' }, { name: 'circuitThreshold' }, { name: 'circuitResetSeconds' }] });
    expect(res.body.data.find((t: { type: string }) => t.type === 'email').defaultTemplate).toMatchObject({ subject: '[Mittr] {{.event_type}}' });
  });

  it('creates, reads by name and by id with the URL masked, merges a PUT, deletes; another tenant sees none of it', async () => {
    const created = await call('POST', '/api/v1/connectors', { ...slack, template: { text: 'New {{.event_type}} from {{.customer_name}}', color: '#36a64f' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'prod-slack-alerts', type: 'slack', is_active: true, severity_filter: ['high', 'critical'], alert_type_filter: null, version: 1,
      config: { webhookUrl: 'https://hooks.slack.com/****', channel: '#webhook-alerts', username: 'Mittr', iconEmoji: ':satellite:' } });
    expect(JSON.stringify(created.body)).not.toContain('XXXXSECRET');
    expect((await call('GET', '/api/v1/connectors/prod-slack-alerts')).body).toEqual(created.body);
    expect((await call('GET', `/api/v1/connectors/${created.body.id}`)).body).toEqual(created.body);
    expect((await call('GET', '/api/v1/connectors')).body.data).toEqual([created.body]);

    const put = await call('PUT', '/api/v1/connectors/prod-slack-alerts', { config: { channel: '#critical-alerts' }, template: { color: '#ff0000' } });
    expect(put).toMatchObject({ status: 200, body: { version: 2, config: { webhookUrl: 'https://hooks.slack.com/****', channel: '#critical-alerts' },
      template: { text: 'New {{.event_type}} from {{.customer_name}}', color: '#ff0000' } } });

    const other = api(env.url, (await signup(env.url)).apiKey);
    for (const path of [`/api/v1/connectors/${created.body.id}`, '/api/v1/connectors/prod-slack-alerts']) {
      expect((await other('GET', path)).status).toBe(404);
      expect((await other('PUT', path, { description: 'mine' })).status).toBe(404);
      expect((await other('POST', `${path}/test`)).status).toBe(404);
      expect((await other('DELETE', path)).status).toBe(404);
    }
    expect((await other('POST', '/api/v1/connectors', slack)).status).toBe(201);

    expect((await call('DELETE', '/api/v1/connectors/prod-slack-alerts')).status).toBe(204);
    expect((await call('GET', `/api/v1/connectors/${created.body.id}`)).status).toBe(404);
    expect((await call('POST', '/api/v1/connectors', slack)).status).toBe(201);
  });

  it('takes 004\'s shape too, and a name with # in it is addressed URL-encoded', async () => {
    const created = await call('POST', '/api/v1/connectors', { name: '#data-quality-alerts', connector_type: 'teams', webhook_url: 'https://example.webhook.office.com/w/abc',
      severity_filter: ['critical'], alert_type_filter: null });
    expect(created).toMatchObject({ status: 201, body: { type: 'teams', severity_filter: ['critical'], alert_type_filter: null, is_active: true,
      config: { webhookUrl: 'https://example.webhook.office.com/****' } } });
    const path = `/api/v1/connectors/${encodeURIComponent('#data-quality-alerts')}`;
    expect((await call('GET', path)).body.id).toBe(created.body.id);
    expect(await call('PUT', path, { is_active: false, severity_filter: ['high'] })).toMatchObject({ status: 200, body: { is_active: false, severity_filter: ['high'] } });
  });

  it('refuses a name taken in the project (409), bad fields and templates that cannot parse (400), naming each problem', async () => {
    await call('POST', '/api/v1/connectors', { name: 'ops-hook', type: 'webhook', config: { url: `${sinkUrl}/hook` } });
    expect(await call('POST', '/api/v1/connectors', { name: 'ops-hook', type: 'zapier', config: { webhookUrl: `${sinkUrl}/z` } })).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    expect(await call('PUT', '/api/v1/connectors/prod-slack-alerts', { name: 'ops-hook' })).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    const bad = await call('POST', '/api/v1/connectors', { name: 'bad', type: 'email', config: { smtpHost: 'h', fromEmail: 'x', toEmails: ['a@b.c'] }, template: { subject: '{{if .x}}open' } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(bad.body.problems).toEqual(['config.fromEmail must be an e-mail address', expect.stringMatching(/^template\.subject: unclosed \{\{if\}\}/)]);
    expect(await call('POST', '/api/v1/connectors', { name: 'nope', type: 'fax', config: {} })).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(await call('POST', '/api/v1/connectors', { name: 'f', type: 'webhook', config: { url: `${sinkUrl}/x` }, filter: [{ field: '$.data.a', operator: 'near', value: 1 }] }))
      .toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
  });

  it('tests a connector: ok, an error status, an unreachable target; and mail through a real SMTP relay', async () => {
    sink.responder = (r) => (r.url === '/boom' ? { status: 500, body: 'Internal oops' } : { status: 200, body: 'ok' });
    const dead = `http://127.0.0.1:${await freePort()}/nobody`;
    const make = async (name: string, url: string) => (await call('POST', '/api/v1/connectors', { name, type: 'slack', config: { webhookUrl: url } })).body.id;
    await make('t-ok', `${sinkUrl}/ok`);
    await make('t-500', `${sinkUrl}/boom`);
    await make('t-dead', dead);
    expect(await call('POST', '/api/v1/connectors/t-ok/test')).toMatchObject({ status: 200, body: { success: true, status_code: 200, error: null } });
    const received = sink.received.find((r) => r.url === '/ok')!;
    expect(JSON.parse(received.body)).toMatchObject({ text: 'connector.test: Test notification from mittr for connector t-ok', attachments: [{ color: '#36a64f' }] });
    expect(await call('POST', '/api/v1/connectors/t-500/test')).toMatchObject({ status: 200, body: { success: false, status_code: 500, error: 'HTTP 500: Internal oops' } });
    const unreachable = await call('POST', '/api/v1/connectors/t-dead/test');
    expect(unreachable).toMatchObject({ status: 200, body: { success: false, status_code: null } });
    expect(unreachable.body.error).toMatch(/ECONNREFUSED|refused/i);

    await call('POST', '/api/v1/connectors', { name: 'mail', type: 'email', config: { smtpHost: '127.0.0.1', smtpPort: smtp.port, smtpUsername: 'relay', smtpPassword: 'relay-pass',
      fromEmail: 'alerts@example.test', toEmails: ['oncall@example.test', 'team@example.test'] } });
    const read = await call('GET', '/api/v1/connectors/mail');
    expect(read.body.config).toMatchObject({ smtpPassword: '****', smtpUsername: 'relay', smtpPort: smtp.port });
    expect(await call('POST', '/api/v1/connectors/mail/test')).toMatchObject({ status: 200, body: { success: true, status_code: 250, error: null } });
    const mail = await smtp.waitFor((m) => m.subject === '[Mittr] connector.test');
    expect(mail).toMatchObject({ user: 'relay', from: 'alerts@example.test', to: ['oncall@example.test', 'team@example.test'] });
    expect(mail.text).toContain('message: Test notification from mittr for connector mail');
    await call('PUT', '/api/v1/connectors/mail', { config: { smtpPassword: 'wrong' } });
    expect(await call('POST', '/api/v1/connectors/mail/test')).toMatchObject({ status: 200, body: { success: false, status_code: 535 } });
  });
});

describe('each type\'s native message, as its platform receives it', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;
  const sink = new RecordingSink();
  let sinkUrl: string;
  beforeAll(async () => {
    sinkUrl = await sink.start();
    env = await startTestMittr();
    call = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  /** Creates the connector, calls its test, and answers the request its target received. */
  async function tested(type: string, config: Record<string, unknown>, path: string, extra: Record<string, unknown> = {}) {
    expect((await call('POST', '/api/v1/connectors', { name: `t-${type}-${path}`, type, config, ...extra })).status).toBe(201);
    expect(await call('POST', `/api/v1/connectors/t-${type}-${path}/test`)).toMatchObject({ body: { success: true, status_code: 200 } });
    return sink.received.find((r) => r.url.startsWith(`/${path}`))!;
  }

  it('discord: content, username and an embed colored by status; teams: a MessageCard, or an Adaptive Card the adaptivecards library parses cleanly', async () => {
    const discord = JSON.parse((await tested('discord', { webhookUrl: `${sinkUrl}/discord`, username: 'Mittr Bot' }, 'discord')).body);
    expect(discord).toMatchObject({ content: expect.stringContaining('connector.test'), username: 'Mittr Bot', embeds: [{ title: 'connector.test', color: 0x3498db }] });
    const card = JSON.parse((await tested('teams', { webhookUrl: `${sinkUrl}/teams` }, 'teams')).body);
    expect(card).toMatchObject({ '@type': 'MessageCard', '@context': 'https://schema.org/extensions', title: 'connector.test', themeColor: '0076D7' });
    const adaptive = JSON.parse((await tested('teams', { webhookUrl: `${sinkUrl}/adaptive`, format: 'adaptivecard' }, 'adaptive')).body);
    expect(adaptive).toMatchObject({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.4' } }] });
    const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js');
    const ctx = new AC.SerializationContext();
    const parsed = new AC.AdaptiveCard();
    parsed.parse(adaptive.attachments[0].content, ctx);
    expect([ctx.eventCount, parsed.validateProperties().validationEvents.length]).toEqual([0, 0]);
  });

  it('zapier: flattened keys; generic: its headers and its body template; webhook: the payload as-is', async () => {
    const zap = JSON.parse((await tested('zapier', { webhook_url: `${sinkUrl}/zap` }, 'zap')).body);
    expect(zap).toMatchObject({ event_type: 'connector.test', message: expect.stringContaining('Test notification'), status: 'info' });
    const generic = await tested('generic', { url: `${sinkUrl}/generic`, method: 'POST', headers: { 'x-token': 'abc' },
      bodyTemplate: '{"kind":"{{.event_type}}","said":"{{.message}}"}' }, 'generic');
    expect(generic.headers['x-token']).toBe('abc');
    expect(JSON.parse(generic.body)).toEqual({ kind: 'connector.test', said: 'Test notification from mittr for connector t-generic-generic' });
    const read = await call('GET', '/api/v1/connectors/t-generic-generic');
    expect(read.body.config).toMatchObject({ url: `${new URL(sinkUrl).origin}/****`, headers: { 'x-token': '****' }, method: 'POST' });
    const hook = await tested('webhook', { url: `${sinkUrl}/hook` }, 'hook');
    expect(JSON.parse(hook.body)).toEqual({ message: 'Test notification from mittr for connector t-webhook-hook', status: 'info' });
  });
});

describe('connectors and the plan', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  beforeAll(async () => { env = await startTestMittr(isolatedConfig({ MITTR_SIGNUP_PLAN: 'free' })); });
  afterAll(async () => { await env?.stop(); });

  it('refuses a connector beyond the plan\'s (free: 1) with 402 QUOTA_EXCEEDED naming the limit; deleting one frees its place', async () => {
    const call = api(env.url, (await signup(env.url)).apiKey);
    expect((await call('POST', '/api/v1/connectors', slack)).status).toBe(201);
    expect(await call('POST', '/api/v1/connectors', { ...slack, name: 'second' })).toMatchObject({ status: 402, body: { code: 'QUOTA_EXCEEDED', limit: 1, used: 1, resource: 'connectors' } });
    // The list reads the projection, which follows the log: it shows the one connector, not a second.
    await eventually(async () => (await call('GET', '/api/v1/connectors')).body.data.length === 1, 10_000);
    expect((await call('GET', '/api/v1/connectors')).body.data.map((c: { name: string }) => c.name)).toEqual([slack.name]);
    expect((await call('DELETE', `/api/v1/connectors/${slack.name}`)).status).toBe(204);
    expect((await call('POST', '/api/v1/connectors', { ...slack, name: 'second' })).status).toBe(201);
  });
});
