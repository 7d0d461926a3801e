import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, signup, startTestMittr } from '../../test/support/mittr.ts';

const slack = { type: 'slack', webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET', channel: '#alerts', message: 'Failure rate is {{.value}}% (threshold: {{.threshold}}%)' };
const rule002 = { name: 'High failure rate', description: 'Alert when failure rate exceeds 10%', enabled: true,
  condition: { metric: 'failure_rate', operator: 'gt', value: 0.1, window: '5m' }, action: slack, cooldown: '15m' };

describe('alert rules: CRUD in both spellings, enable/disable, evaluate, history', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;
  let other: ReturnType<typeof api>;

  beforeAll(async () => {
    env = await startTestMittr();
    call = api(env.url, (await signup(env.url)).apiKey);
    other = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('creates 002\'s example with the webhook URL masked, reads, lists, changes, enables/disables and deletes it', async () => {
    const created = await call('POST', '/api/v1/alerting/rules', rule002);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'High failure rate', enabled: true, severity: 'high', cooldown: '15m', version: 1,
      condition: { metric: 'failure_rate', operator: 'gt', value: 0.1, window: '5m', endpointId: null, eventType: null },
      action: { type: 'slack', webhookUrl: 'https://hooks.slack.com/****', channel: '#alerts' } });
    expect(JSON.stringify(created.body)).not.toContain('XXXXSECRET');
    const id = created.body.id;
    expect((await call('GET', `/api/v1/alerting/rules/${id}`)).body).toEqual(created.body);
    expect((await call('GET', '/api/v1/alerting/rules')).body.data.map((r: { id: string }) => r.id)).toEqual([id]);

    const changed = await call('PUT', `/api/v1/alerting/rules/${id}`, { name: 'Updated name', condition: { metric: 'failure_rate', operator: 'gt', value: 0.2, window: '10m' } });
    expect(changed.body).toMatchObject({ name: 'Updated name', version: 2, condition: { value: 0.2, window: '10m' }, action: { webhookUrl: 'https://hooks.slack.com/****' } });
    expect((await call('POST', `/api/v1/alerting/rules/${id}/disable`)).body).toMatchObject({ enabled: false, version: 3 });
    expect((await call('POST', `/api/v1/alerting/rules/${id}/disable`)).body).toMatchObject({ enabled: false, version: 3 });
    expect((await call('POST', `/api/v1/alerting/rules/${id}/enable`)).body).toMatchObject({ enabled: true, version: 4 });

    expect((await call('DELETE', `/api/v1/alerting/rules/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/alerting/rules/${id}`)).status).toBe(404);
    expect((await call('POST', `/api/v1/alerting/rules/${id}/enable`)).status).toBe(404);
  });

  it('takes 000\'s spelling (a condition string and a connectorName) as the same rules', async () => {
    const missing = await call('POST', '/api/v1/alert-rules', { name: 'failure-spike', condition: 'failure_rate > 10%', connectorName: 'prod-slack-alerts' });
    expect(missing).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect((await call('POST', '/api/v1/connectors', { name: 'prod-slack-alerts', type: 'slack', config: { webhookUrl: slack.webhookUrl } })).status).toBe(201);
    const created = await call('POST', '/api/v1/alert-rules', { name: 'failure-spike', condition: 'failure_rate > 10%', connectorName: 'prod-slack-alerts' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ condition: { metric: 'failure_rate', operator: 'gt', value: 0.1, window: '5m' }, action: { type: 'connector', connector: 'prod-slack-alerts' } });
    expect((await call('GET', `/api/v1/alerting/rules/${created.body.id}`)).body).toEqual(created.body);
    expect((await call('PUT', `/api/v1/alert-rules/${created.body.id}`, { condition: 'latency_p99 >= 2000', window: '1h' })).body)
      .toMatchObject({ condition: { metric: 'latency', percentile: 99, operator: 'gte', value: 2000, window: '1h' } });
    expect((await call('GET', '/api/v1/alert-rules')).body.data).toHaveLength(1);
    expect((await call('POST', '/api/v1/alert-rules', { name: 'dup', condition: 'failure_rate > ten' , connectorName: 'prod-slack-alerts' })).status).toBe(400);
    expect((await call('POST', '/api/v1/alert-rules', { name: 'failure-spike', condition: 'error_count > 5', connectorName: 'prod-slack-alerts' })).status).toBe(409);
    expect((await call('DELETE', `/api/v1/alert-rules/${created.body.id}`)).status).toBe(204);
  });

  it.each([
    ['a window under a minute', { ...rule002, name: 'w', condition: { ...rule002.condition, window: '10s' } }],
    ['a rate over 1', { ...rule002, name: 'r', condition: { ...rule002.condition, value: 10 } }],
    ['an unknown metric', { ...rule002, name: 'm', condition: { ...rule002.condition, metric: 'cpu' } }],
    ['a pagerduty action without its routing key', { ...rule002, name: 'p', action: { type: 'pagerduty' } }],
    ['a message template that cannot run', { ...rule002, name: 't', action: { ...slack, message: '{{.value' } }],
    ['queue_depth per event type', { ...rule002, name: 'q', condition: { metric: 'queue_depth', operator: 'gt', value: 10, eventType: 'order.created' } }],
  ])('answers 400 for %s', async (_, body) => {
    const res = await call('POST', '/api/v1/alerting/rules', body);
    expect(res).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
  });

  it('closes a rule to other tenants (404), evaluates the project\'s rules now, and pages an empty history', async () => {
    const created = (await call('POST', '/api/v1/alerting/rules', { ...rule002, name: 'mine', condition: { metric: 'delivery_count', operator: 'gte', value: 0, window: '1m' } })).body;
    for (const [method, path] of [['GET', ''], ['PUT', ''], ['DELETE', ''], ['POST', '/enable']] as const) {
      expect((await other(method, `/api/v1/alerting/rules/${created.id}${path}`, method === 'PUT' ? { name: 'x' } : undefined)).status).toBe(404);
    }
    expect((await other('GET', '/api/v1/alerting/rules')).body.data).toEqual([]);
    expect((await call('GET', '/api/v1/alerting/rules/not-a-rule-id')).status).toBe(404);
    const evaluated = await call('POST', '/api/v1/alerting/evaluate');
    expect(evaluated.status).toBe(200);
    expect(evaluated.body.data).toContainEqual({ ruleId: created.id, name: 'mine', enabled: true, metric: 'delivery_count', operator: 'gte', value: 0, threshold: 0, conditionMet: true, status: 'ok', wouldFire: true });
    expect((await other('POST', '/api/v1/alerting/evaluate')).body.data).toEqual([]);
    expect((await call('GET', '/api/v1/alerting/history?limit=20')).body).toEqual({ data: [], pagination: { hasMore: false, cursor: null } });
    expect((await call('GET', '/api/v1/alerting/history?cursor=nonsense')).status).toBe(400);
  });
});
