import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../services/platform/config/config.ts';
import { freePort, isolatedChildEnv, MittrChild } from './support/child.ts';
import { api, busiestWindow, dropIsolation, eventually, groupMembers, signup } from './support/mittr.ts';
import { RecordingSink } from './support/sink.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * rateLimitPerSec holds across engine processes: two `mittr all` processes share the endpoint's
 * deliveries (each takes the limit divided by the engines it sees in the group), and the receiver
 * never sees more than the limit, within 10% over any 10 s; nothing is dropped or failed. Either
 * process's GET /metrics/rate-limits shows the two engines' pacing merged.
 */
describe('rateLimitPerSec with two engine processes', () => {
  const sink = new RecordingSink();
  const children: MittrChild[] = [];
  let config: Config | undefined;
  let passed = false;

  afterAll(async () => {
    if (!passed) for (const c of children) console.error(`mittr child ${c.url} (tail):\n${c.tail(40)}`);
    for (const c of children) await c.kill('SIGKILL');
    await sink.stop();
    if (config) await dropIsolation(config);
  });

  it('keeps the receiver at the limit, within 10% over 10 s, and delivers every event', async () => {
    const sinkUrl = await sink.start();
    const isolated = await isolatedChildEnv({ KAFKA_PARTITIONS: '6' });
    config = isolated.config;
    const first = new MittrChild(isolated.env);
    children.push(first);
    first.spawn();
    await first.waitHealthy(90_000);
    const second = new MittrChild({ ...isolated.env, PORT: String(await freePort()) });
    children.push(second);
    second.spawn();
    await second.waitHealthy(90_000);
    // Both engines are in the groups; each refreshes the engine count every 5 s.
    for (const lane of ['engine.high', 'engine.normal']) {
      await eventually(async () => (await groupMembers(config!, lane)) === 2 || undefined, 60_000, 500);
    }
    await sleep(6_000);

    const apiKey = (await signup(first.url)).apiKey;
    const call = api(first.url, apiKey);
    const rate = 20;
    const total = 300;
    const ep = await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/limited`, eventTypes: ['rate.two'], rateLimitPerSec: rate });
    expect(ep.body).toMatchObject({ rateLimitPerSec: rate });
    await sleep(1_000); // both engines have the endpoint's configuration
    for (let i = 0; i < total; i += 50) {
      const sent = await Promise.all(Array.from({ length: 50 }, (_, j) =>
        call('POST', '/api/v1/events', { eventType: 'rate.two', payload: { i: i + j } }, { 'x-idempotency-key': `rate-two-${i + j}` })));
      expect(sent.every((r) => r.status === 201)).toBe(true);
    }
    // Meanwhile either process's API shows both engines' pacing merged (GET /metrics/rate-limits):
    // each engine, on its process's processing thread, publishes its limiter through Kafka.
    const pace = async () => (await api(second.url, apiKey)('GET', `/api/v1/metrics/rate-limits/endpoint/${ep.body.id}`)).body;
    const live = await eventually(async () => {
      const r = await pace();
      return r.engines === 2 && r.waiting > 0 && r.sendRate >= rate * 0.6 ? r : null;
    }, 30_000, 500);
    expect(live).toMatchObject({ limit: rate });
    expect(live.sendRate).toBeLessThanOrEqual(rate * 1.3);
    const received = await sink.waitFor((r) => r.length >= total, 90_000);
    expect(await eventually(async () => ((await pace()).waiting === 0 ? true : null), 5_000, 250)).toBe(true);
    expect(received).toHaveLength(total);
    const times = received.map((r) => r.at).sort((a, b) => a - b);
    const worst = busiestWindow(times, 10_000);
    const spanSec = (times[times.length - 1]! - times[0]!) / 1000;
    console.log(`rate limit, two engines: ${total} deliveries over ${spanSec.toFixed(1)} s, busiest 10 s window ${worst} (limit ${rate * 10})`);
    expect(worst).toBeLessThanOrEqual(rate * 10 * 1.1);
    // Both engines stayed in the lane's group throughout (they split its partitions).
    expect(await groupMembers(config, 'engine.normal')).toBe(2);
    const failures = await call('GET', '/api/v1/deliveries?range=1h&outcome=failure&limit=200');
    expect(failures.body.data).toEqual([]);
    passed = true;
  }, 300_000);
});
