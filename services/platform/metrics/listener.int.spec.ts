import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { ROLES, startMittr, type Mittr } from '../../mittr.ts';
import { api, eventually, isolatedConfig, signup, startTestMittr } from '../../../test/support/mittr.ts';
import { parseExposition, total } from '../../../test/support/prometheus.ts';
import { RecordingSink } from '../../../test/support/sink.ts';

const TOKEN = 'spec-metrics-token-deliver-only-77';

/**
 * A deliver-only mittr (`mittr deliver`: no HTTP server of its own) with MITTR_METRICS_PORT:
 * its /metrics listener serves the engine's counters to the token. The rest of the deployment
 * (API, router, projectors) runs beside it as another mittr without the deliver role.
 */
describe('/metrics of a process without the API (MITTR_METRICS_PORT)', () => {
  const config = isolatedConfig({ MITTR_METRICS_TOKEN: TOKEN, MITTR_METRICS_PORT: '0' });
  let front: Awaited<ReturnType<typeof startTestMittr>>;
  let engine: Mittr;
  const sink = new RecordingSink();
  const scrape = (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }, path = '/metrics') => fetch(`${engine.metricsUrl}${path}`, { headers });

  beforeAll(async () => {
    const sinkUrl = await sink.start();
    front = await startTestMittr(config, ROLES.filter((r) => r !== 'deliver'));
    engine = await startMittr(config, ['deliver']);
    const call = api(front.url, (await signup(front.url)).apiKey);
    for (let i = 0; i < 3; i++) expect((await call('POST', '/api/v1/events', { destination: `${sinkUrl}/ok`, payload: { i } }, { 'x-idempotency-key': `k${i}` })).status).toBe(201);
    await sink.waitFor((r) => r.length === 3, 30_000);
  }, 90_000);
  afterAll(async () => {
    await engine?.stop();
    await front?.stop();
    await sink.stop();
  });

  it('serves the engine\'s counters and the process\'s own metrics to the token', async () => {
    expect(engine.url).toBeUndefined();
    const samples = await eventually(async () => {
      const res = await scrape();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const s = parseExposition(await res.text());
      return total(s, 'mittr_delivery_attempts_total') === 3 ? s : null;
    }, 10_000);
    expect(total(samples, 'mittr_delivery_attempts_total', { outcome: 'success', disposition: 'delivered', error_category: 'none' })).toBe(3);
    expect(total(samples, 'mittr_delivery_attempt_duration_seconds_count')).toBe(3);
    expect(total(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // The API's process serves its own /metrics, where this engine's counters are not (they are scraped here).
    const apiSamples = parseExposition(await (await fetch(`${front.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text());
    expect(total(apiSamples, 'mittr_delivery_attempts_total')).toBe(0);
  });

  it('refuses a missing or wrong token (401) and answers nothing but /metrics (404), as {error, code}', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-the-token-at-all' }, { authorization: `Basic ${TOKEN}` }] as Array<Record<string, string>>) {
      const res = await scrape(headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    }
    const other = await scrape(undefined, '/api/v1/events');
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('is refused at boot without a token to serve it to', () => {
    const env = { DATABASE_URL: config.databaseUrl, KAFKA_BROKERS: config.kafkaBrokers.join(','), SCHEMA_REGISTRY_URL: config.registryUrl, MITTR_METRICS_PORT: '9464' };
    expect(() => loadConfig(env)).toThrow('MITTR_METRICS_PORT needs MITTR_METRICS_TOKEN');
  });
});
