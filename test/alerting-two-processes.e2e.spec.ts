import { afterAll, describe, expect, it } from 'vitest';
import { ROLES } from '../services/capabilities.ts';
import { startMittr, type Mittr } from '../services/mittr.ts';
import { api, dropIsolation, eventually, groupMembers, isolatedConfig, signup } from './support/mittr.ts';
import { RecordingSink, type Received } from './support/sink.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const json = (r: Received) => JSON.parse(r.body) as Record<string, unknown>;
const firedOn = (rs: Received[]) => rs.filter((r) => String(json(r).text).startsWith('Failure rate is'));
const resolvedOn = (rs: Received[]) => rs.filter((r) => String(json(r).text).startsWith('Resolved:'));

/**
 * A delivery failure spike fires the rules once, despite two mittr processes each running the
 * evaluator and the alert notifier; the Slack message arrives within 30 s of the failures, no
 * repeat comes within the cooldown, and when the failures are out of the window the rules
 * resolve: Slack gets a resolved message, PagerDuty a resolve with the trigger's dedup_key.
 */
describe('alert rules with two evaluator/notifier processes', () => {
  const sink = new RecordingSink();
  const slack = new RecordingSink();
  const pagerduty = new RecordingSink();
  const config = { ...isolatedConfig(), alerting: { evaluateEveryMs: 1_000 } };
  const processes: Mittr[] = [];

  afterAll(async () => {
    for (const p of processes) await p.stop().catch(() => undefined);
    await Promise.all([sink.stop(), slack.stop(), pagerduty.stop()]);
    await dropIsolation(config);
  });

  it('fires once within 30 s, cools down, and resolves', async () => {
    const [sinkUrl, slackUrl, pdUrl] = await Promise.all([sink.start(), slack.start(), pagerduty.start()]);
    let failing = true;
    sink.responder = () => ({ status: failing ? 500 : 200, body: failing ? 'down' : 'ok' });
    slack.responder = () => ({ status: 200, body: 'ok' });
    pagerduty.responder = (r) => ({ status: 202, body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: json(r).dedup_key }) });
    processes.push(await startMittr(config, ROLES));
    processes.push(await startMittr(config, ROLES));
    await eventually(async () => (await groupMembers(config, 'alert-notifier')) === 2 || undefined, 60_000, 500);

    const call = api(processes[0]!.url!, (await signup(processes[0]!.url!)).apiKey);
    const ep = (await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/orders`, eventTypes: ['order.created'] })).body;
    const condition = { metric: 'failure_rate', operator: 'gt', value: 0.5, window: '1m', endpointId: ep.id };
    const slackRule = await call('POST', '/api/v1/alerting/rules', { name: 'spike-slack', condition, cooldown: '1h',
      action: { type: 'slack', webhookUrl: `${slackUrl}/services/T/B/x`, channel: '#alerts', message: 'Failure rate is {{.value}}% (threshold: {{.threshold}}%)' } });
    const pdRule = await call('POST', '/api/v1/alerting/rules', { name: 'spike-pd', condition, cooldown: '1h', severity: 'critical',
      action: { type: 'pagerduty', routingKey: 'R0UT1NGKEY0123456789012345678901', url: `${pdUrl}/v2/enqueue` } });
    expect([slackRule.status, pdRule.status]).toEqual([201, 201]);
    await sleep(1_500); // both processes have the rules (the config topic)

    const spikeAt = Date.now();
    for (let i = 0; i < 10; i++) {
      const r = await call('POST', '/api/v1/events', { eventType: 'order.created', payload: { i }, maxAttempts: 1 }, { 'x-idempotency-key': `spike-${i}` });
      expect(r.status).toBe(201);
    }
    const first = await slack.waitFor((rs) => firedOn(rs).length >= 1, 30_000);
    const firedAfterMs = firedOn(first)[0]!.at - spikeAt;
    console.log(`alerting e2e: Slack message ${firedAfterMs} ms after the failure spike`);
    expect(firedAfterMs).toBeLessThan(30_000);
    const message = json(firedOn(first)[0]!);
    expect(message).toMatchObject({ text: 'Failure rate is 100% (threshold: 50%)', channel: '#alerts' });
    expect((message.blocks as Array<{ type: string }>).map((b) => b.type)).toEqual(expect.arrayContaining(['header', 'section']));
    const trigger = json((await pagerduty.waitFor((rs) => rs.length >= 1, 30_000))[0]!);
    expect(trigger).toMatchObject({ routing_key: 'R0UT1NGKEY0123456789012345678901', event_action: 'trigger', payload: { source: 'mittr', severity: 'critical' } });
    expect(String((trigger.payload as { summary: string }).summary)).toContain('spike-pd');

    // Several evaluation rounds of both processes later: still one message each (the cooldown).
    await sleep(6_000);
    expect(firedOn(slack.received)).toHaveLength(1);
    expect(pagerduty.received).toHaveLength(1);

    // The sink recovers; once the failures are out of the 1-minute window, the rules resolve.
    failing = false;
    for (let i = 0; i < 3; i++) await call('POST', '/api/v1/events', { eventType: 'order.created', payload: { ok: i } }, { 'x-idempotency-key': `ok-${i}` });
    const resolve = json((await pagerduty.waitFor((rs) => rs.length >= 2, 100_000))[1]!);
    expect(resolve).toEqual({ routing_key: 'R0UT1NGKEY0123456789012345678901', event_action: 'resolve', dedup_key: trigger.dedup_key });
    const resolved = await slack.waitFor((rs) => resolvedOn(rs).length >= 1, 10_000);
    expect(resolvedOn(resolved)).toHaveLength(1);
    expect(firedOn(resolved)).toHaveLength(1);

    const history = await eventually(async () => {
      const h = (await call('GET', '/api/v1/alerting/history?limit=20')).body;
      return h.data.length === 4 ? h : null;
    }, 10_000, 250);
    expect(history.data.map((a: { ruleName: string; state: string }) => `${a.ruleName}:${a.state}`).sort())
      .toEqual(['spike-pd:fired', 'spike-pd:resolved', 'spike-slack:fired', 'spike-slack:resolved']);
    expect(history.data.find((a: { state: string }) => a.state === 'fired')).toMatchObject({ value: 100, threshold: 50 });
  }, 240_000);
});
