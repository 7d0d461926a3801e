import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childWithSink, ROOT } from './support/child.ts';
import { api, eventually, signup } from './support/mittr.ts';

/**
 * scripts/mittr runs mittr compiled to JavaScript (scripts/build). What is loaded by path at run
 * time rather than imported must be found there too: the Avro schemas, the migrations, the
 * processing thread and the transformation sandbox's worker (started from that thread).
 */
describe('mittr as scripts/mittr runs it (compiled to JavaScript)', () => {
  const run = childWithSink();
  const { sink } = run;

  it('migrates, projects, and runs a transformation in its sandbox worker', async () => {
    const { child } = await run.start();
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline.some((a) => a.startsWith(join(ROOT, '.mittr', 'build')) && a.endsWith('/services/main.js'))).toBe(true);

    const call = api(child.url, (await signup(child.url)).apiKey);
    const ep = await call('POST', '/api/v1/endpoints', {
      url: `${run.sinkUrl()}/compiled`, eventTypes: ['c.test'],
      transformation: 'function transform(w) { w.payload = { wrapped: w.payload }; return w; }',
    });
    expect(ep.status).toBe(201);
    const sent = await call('POST', '/api/v1/events', { eventType: 'c.test', payload: { a: 1 } }, { 'x-idempotency-key': `compiled-${Date.now()}` });
    expect(sent.status).toBe(201);
    await sink.waitFor(() => sink.received.some((r) => r.url === '/compiled'));
    expect(JSON.parse(sink.received.find((r) => r.url === '/compiled')!.body)).toEqual({ wrapped: { a: 1 } });
    // The processing thread's projector records the delivery: the read model answers it.
    const delivered = await eventually(async () => {
      const e = (await call('GET', `/api/v1/events/${sent.body.id}`)).body;
      return e.status === 'delivered' ? e : undefined;
    });
    expect(delivered.deliveryAttempts).toHaveLength(1);
    run.passed();
  });
});
