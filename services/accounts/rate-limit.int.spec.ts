import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../test/support/mittr.ts';
import { startMittr, type Mittr } from '../mittr.ts';

/** A key's rate limit held across two API processes, with the headers every answer carries. */
describe('API key rate limits', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let second: Mittr | undefined;

  beforeAll(async () => {
    env = await startTestMittr();
    second = await startMittr(env.config, ['api']);
  });
  afterAll(async () => {
    await second?.stop();
    await env?.stop();
  });

  it('holds a key to its rateLimit within 10 % when its requests are spread over two API processes', async () => {
    const admin = api(env.url, (await signup(env.url)).apiKey);
    const first = await admin('GET', '/api/v1/events');
    expect(first.headers.get('x-ratelimit-limit')).toBe('600000');
    expect(Number(first.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0);
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);

    const limit = 60;
    const key = (await admin('POST', '/api/v1/api-keys', { name: 'limited', rateLimit: limit })).body.key as string;
    const processes = [api(env.url, key), api(second!.url!, key)];
    // Both processes know the key and each other (they count the serving processes every 2 s).
    await eventually(async () => (await processes[1]!('GET', '/api/v1/events')).status === 200, 10_000);
    await new Promise((r) => setTimeout(r, 4_500));
    const answers = [];
    for (let i = 0; i < 3 * limit; i++) answers.push(await processes[i % 2]!('GET', '/api/v1/events'));
    const ok = answers.filter((a) => a.status === 200).length;
    expect(ok).toBeGreaterThanOrEqual(Math.floor(limit * 0.9) - 2);
    expect(ok).toBeLessThanOrEqual(Math.ceil(limit * 1.1));
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-ratelimit-limit')).toBe(String(limit));
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
  });
});
