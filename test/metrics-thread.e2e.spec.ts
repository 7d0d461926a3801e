import { describe, expect, it } from 'vitest';
import { childWithSink } from './support/child.ts';
import { api, eventually, signup } from './support/mittr.ts';
import { parseExposition, total } from './support/prometheus.ts';

const TOKEN = 'e2e-metrics-token-9c2f61d0a4';

/**
 * `mittr all` runs the delivery engine on its processing thread and serves /metrics from the
 * API's: the engine's counters must reach the scrape (services/platform/metrics/registry.ts), and
 * the process's own metrics appear once.
 */
describe('GET /metrics of `mittr all` (the engine on the processing thread)', () => {
  const harness = childWithSink({ env: { MITTR_METRICS_TOKEN: TOKEN } });

  it('counts the attempts made on the processing thread, with the API\'s requests and the process\'s metrics once', async () => {
    const { child } = await harness.start();
    const call = api(child.url, (await signup(child.url)).apiKey);
    for (let i = 0; i < 3; i++) {
      expect((await call('POST', '/api/v1/events', { destination: `${harness.sinkUrl()}/hooks`, payload: { i } }, { 'x-idempotency-key': `m${i}` })).status).toBe(201);
    }
    await harness.sink.waitFor((r) => r.length === 3, 30_000);
    const scrape = async () => parseExposition(await (await fetch(`${child.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text());
    const samples = await eventually(async () => {
      const s = await scrape();
      return total(s, 'mittr_delivery_attempts_total') === 3 ? s : null;
    }, 10_000);
    expect(total(samples, 'mittr_delivery_attempts_total', { outcome: 'success', disposition: 'delivered' })).toBe(harness.sink.received.length);
    expect(total(samples, 'mittr_delivery_attempt_duration_seconds_count')).toBe(3);
    expect(total(samples, 'mittr_http_request_duration_seconds_count', { route: '/api/v1/events', method: 'POST', status_code: '201' })).toBe(3);
    expect(samples.filter((s) => s.name === 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(samples.some((s) => s.name === 'mittr_projection_lag' && s.labels.projector === 'events')).toBe(true);
    harness.passed();
  }, 120_000);
});
