import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, isolatedConfig, signup, startTestMittr } from '../../../test/support/mittr.ts';
import { parseExposition, total, type Sample } from '../../../test/support/prometheus.ts';
import { RecordingSink } from '../../../test/support/sink.ts';

const TOKEN = 'spec-metrics-token-4f1c9a2b7d';

describe('GET /metrics without MITTR_METRICS_TOKEN', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  beforeAll(async () => { env = await startTestMittr(); }, 60_000);
  afterAll(async () => { await env?.stop(); });

  it('is not there: 404, whatever the credentials', async () => {
    for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }] as Array<Record<string, string>>) {
      expect(await api(env.url)('GET', '/metrics', undefined, headers)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', error: 'no route for GET /metrics' } });
    }
  });
});

/**
 * With a token, on the real stack (every role in this process): 4 events, one of them failing
 * its first attempt (5 attempts), and the series they leave.
 */
describe('GET /metrics with MITTR_METRICS_TOKEN', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;
  const sink = new RecordingSink();
  const scrape = async (): Promise<Sample[]> => {
    const res = await fetch(`${env.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await res.text());
  };

  beforeAll(async () => {
    let failed = false;
    sink.responder = (r) => {
      if (!r.url.startsWith('/flaky') || failed) return { status: 200 };
      failed = true;
      return { status: 503, headers: { 'retry-after': '1' } };
    };
    const sinkUrl = await sink.start();
    env = await startTestMittr(isolatedConfig({ MITTR_METRICS_TOKEN: TOKEN }));
    call = api(env.url, (await signup(env.url)).apiKey);
    for (let i = 0; i < 3; i++) expect((await call('POST', '/api/v1/events', { destination: `${sinkUrl}/ok`, payload: { i } }, { 'x-idempotency-key': `ok${i}` })).status).toBe(201);
    expect((await call('POST', '/api/v1/events', { destination: `${sinkUrl}/flaky`, payload: {} }, { 'x-idempotency-key': 'flaky' })).status).toBe(201);
    await sink.waitFor((r) => r.length === 5, 30_000);
  }, 90_000);
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  it('is in the OpenAPI document: text, to its bearer token', async () => {
    const doc = (await api(env.url)('GET', '/openapi.json')).body;
    const op = doc.paths['/metrics'].get;
    expect(op.security).toEqual([{ metricsToken: [] }]);
    expect(Object.keys(op.responses['200'].content)).toEqual(['text/plain']);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '404', '503']));
    expect(doc.components.securitySchemes.metricsToken).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('refuses a missing or wrong token: 401', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-the-token-at-all' }, { authorization: `Basic ${TOKEN}` }] as Array<Record<string, string>>) {
      const res = await api(env.url)('GET', '/metrics', undefined, headers);
      expect(res).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('counts every attempt the engine made, by outcome, disposition and error category, and times them', async () => {
    const samples = await eventually(async () => {
      const s = await scrape();
      return total(s, 'mittr_delivery_attempts_total') === 5 ? s : null;
    }, 10_000);
    expect(total(samples, 'mittr_delivery_attempts_total')).toBe(sink.received.length);
    expect(total(samples, 'mittr_delivery_attempts_total', { outcome: 'success', disposition: 'delivered', error_category: 'none' })).toBe(4);
    expect(total(samples, 'mittr_delivery_attempts_total', { outcome: 'failure', disposition: 'retry', error_category: '5xx' })).toBe(1);
    expect(total(samples, 'mittr_delivery_attempt_duration_seconds_count')).toBe(5);
    expect(total(samples, 'mittr_delivery_attempt_duration_seconds_bucket', { le: '+Inf' })).toBe(5);
    // No series names an endpoint, an event or a URL.
    const labels = new Set(samples.filter((x) => x.name.startsWith('mittr_delivery')).flatMap((x) => Object.keys(x.labels)));
    expect([...labels].sort()).toEqual(['disposition', 'error_category', 'le', 'outcome']);
  });

  it('times API requests by route pattern, method and status, unmatched ones apart', async () => {
    await call('GET', '/api/v1/events/00000000-0000-4000-8000-000000000001');
    await api(env.url)('GET', '/no/such/route/4711');
    // A HEAD route is made from its GET's options, hooks included: still counted once.
    expect((await fetch(`${env.url}/health`, { method: 'HEAD' })).status).toBe(200);
    const samples = await scrape();
    const count = (labels: Record<string, string>) => total(samples, 'mittr_http_request_duration_seconds_count', labels);
    expect(count({ route: '/api/v1/events', method: 'POST', status_code: '201' })).toBe(4);
    expect(count({ route: '/api/v1/events/:id', method: 'GET', status_code: '404' })).toBe(1);
    expect(count({ route: 'unmatched', method: 'GET', status_code: '404' })).toBe(1);
    expect(count({ route: '/health', method: 'HEAD' })).toBe(1);
    expect(samples.some((s) => s.labels.route?.includes('4711') || s.labels.route?.includes('00000000'))).toBe(false);
  });

  it('gauges open circuits, consumer and projection lag at the scrape, and the process', async () => {
    const samples = await scrape();
    expect(total(samples, 'mittr_circuit_breakers_open')).toBe(0);
    const lag = (name: string) => samples.filter((s) => s.name === name);
    expect(lag('mittr_consumer_lag').map((s) => s.labels.group)).toEqual(expect.arrayContaining(['router', 'engine.normal']));
    expect(lag('mittr_projection_lag').map((s) => s.labels.projector)).toEqual(expect.arrayContaining(['events', 'usage', 'usage-attempts']));
    for (const s of [...lag('mittr_consumer_lag'), ...lag('mittr_projection_lag')]) expect(s.value).toBeGreaterThanOrEqual(0);
    expect(total(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });
});
