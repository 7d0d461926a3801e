import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childWithSink } from './support/child.ts';
import { api, eventually, signup } from './support/mittr.ts';

/**
 * Hostile input, bounded: each class of bad input (NUL and control bytes, huge and deep bodies,
 * wrong types in every field, out-of-range numbers, forged headers, catastrophic regular
 * expressions, hostile path parameters) is sent to every route of one tenant, while another
 * tenant's canary events flow. Asserted throughout: no 5xx, every 4xx is `{error, code}`,
 * /health answers within 100 ms, and each canary is delivered and projected within 2 s.
 * The child runs the production address policy with one range opened by its operator
 * (127.0.0.2, where the receiver listens); 127.0.0.1 stands for the host's own services, and a
 * listener there must see no connection from any SSRF variant.
 */
describe('hostile input on every route', () => {
  const stack = childWithSink({ sinkHost: '127.0.0.2', env: { MITTR_ALLOW_PRIVATE_NETWORKS: 'false', MITTR_ALLOWED_CIDRS: '127.0.0.2/32' } });
  const problems: string[] = [];
  let requests = 0;

  /** Values of every wrong type and range, for any field. */
  const HOSTILE: unknown[] = [
    null, true, -1, 2 ** 31, 2 ** 53, 1e308, '', 'a\u0000b', 'a\r\nX-Injected: 1', 'x'.repeat(70_000),
    ['x'], [1, [2]], {}, { a: { b: 1 } }, '$[?search(@, "^(a|a)*$")]', '9'.repeat(400),
  ];
  /** Path parameters no resource has. */
  const HOSTILE_IDS = ['%00', '2147483648', '-1', 'x'.repeat(300), '..%2F..', randomUUID(), "'%20OR%201=1--", '%F0%9F%92%A9'];

  const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

  let hostConnections = 0;
  const hostListener = createServer((socket) => { hostConnections++; socket.destroy(); });
  beforeAll(async () => { await new Promise<void>((r) => hostListener.listen(0, '127.0.0.1', r)); });
  afterAll(async () => { await new Promise((r) => hostListener.close(r)); });

  it('answers every hostile request with a 4xx {error, code} or a success, never a 5xx, while /health and another tenant stay prompt', async () => {
    const { child } = await stack.start();
    const sinkUrl = stack.sinkUrl();
    const victim = await signup(child.url);
    const canary = await signup(child.url);
    const call = api(child.url, victim.apiKey);
    const canaryCall = api(child.url, canary.apiKey);

    // The victim's resources, so that routes with ids reach their handlers.
    const endpoint = (await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/victim`, eventTypes: ['hostile.*'] })).body;
    const eventType = (await call('POST', '/api/v1/event-types', { name: 'hostile.typed', schema: { type: 'object' } })).body;
    const event = (await call('POST', '/api/v1/events', { destination: `${sinkUrl}/victim`, payload: { a: 1 } }, { 'x-idempotency-key': 'seed' })).body;
    const delivery = await eventually(async () => (await call('GET', `/api/v1/events/${event.id}/deliveries`)).body.deliveries?.[0]);
    await canaryCall('POST', '/api/v1/endpoints', { url: `${sinkUrl}/canary`, eventTypes: ['canary.tick'] });

    // Watchers: /health every 100 ms, a canary event every 250 ms, each timed.
    let watching = true;
    const healthMs: number[] = [];
    const canaries: Array<{ id: string; sentAt: number }> = [];
    const health = (async () => {
      while (watching) {
        const t = performance.now();
        try {
          const res = await fetch(`${child.url}/health`, { signal: AbortSignal.timeout(10_000) });
          await res.arrayBuffer();
          if (res.status !== 200) problems.push(`/health answered ${res.status}`);
        } catch (err) {
          problems.push(`/health failed: ${String(err)}`);
        }
        healthMs.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const ticks = (async () => {
      for (let n = 0; watching && n < 400; n++) {
        const sentAt = Date.now();
        const sent = await canaryCall('POST', '/api/v1/events', { eventType: 'canary.tick', payload: { n } }, { 'x-idempotency-key': `tick-${n}` })
          .catch((err: unknown) => ({ status: 0, body: String(err) }));
        if (sent.status === 201) canaries.push({ id: (sent.body as { id: string }).id, sentAt });
        else problems.push(`canary send answered ${sent.status} ${JSON.stringify(sent.body)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const check = async (label: string, res: { status: number; body: unknown }) => {
      requests++;
      const body = res.body as { error?: unknown; code?: unknown } | undefined;
      if (res.status >= 500) problems.push(`${label}: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      else if (res.status >= 400 && (typeof body?.error !== 'string' || typeof body?.code !== 'string')) {
        problems.push(`${label}: ${res.status} without {error, code}: ${JSON.stringify(body).slice(0, 200)}`);
      }
    };
    const send = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const label = `${method} ${path} ${typeof body === 'string' ? body.slice(0, 60) : JSON.stringify(body)?.slice(0, 100)}`;
      try {
        await check(label, await call(method, path, body, headers));
      } catch (err) {
        // A server may stop reading a body over its limit once it has answered 413; anything else is a problem.
        const huge = typeof body === 'string' && body.length > 1_048_576;
        if (!huge) problems.push(`${label}: ${String(err)} ${String((err as Error).cause ?? '')}`);
      }
    };
    const section = (name: string) => { timings.push(`${name} ${Date.now() - t0} ms, ${requests} requests`); };
    const timings: string[] = [];
    const t0 = Date.now();

    const ids: Record<string, string> = { endpoint: endpoint.id, eventType: eventType.id, event: event.id, delivery: delivery.id };
    const fill = (path: string, over: Partial<Record<string, string>> = {}) =>
      path.replace(/\{(\w+)\}/g, (_m, k: string) => over[k] ?? ids[k]!);
    let key = 0;
    const idem = () => ({ 'x-idempotency-key': `h-${++key}` });

    // Bodies: a valid base per route, then each field replaced by each hostile value, and whole
    // bodies that are deep, huge, or not objects.
    const bodies: Array<{ method: string; path: string; base: Record<string, unknown>; headers?: () => Record<string, string> }> = [
      { method: 'POST', path: '/api/v1/events', base: { destination: `${sinkUrl}/victim`, payload: { a: 1 }, headers: { 'X-A': '1' }, maxAttempts: 2, priority: 5, delaySeconds: 0 }, headers: idem },
      { method: 'POST', path: '/api/v1/events', base: { eventType: 'hostile.typed', payload: { a: 1 } }, headers: idem },
      { method: 'POST', path: '/api/v1/events/batch', base: { events: [{ destination: `${sinkUrl}/victim`, payload: {}, idempotencyKey: 'b' }] } },
      { method: 'PATCH', path: '/api/v1/events/{event}', base: { destination: `${sinkUrl}/victim`, payload: { a: 2 }, headers: {}, replay: false } },
      { method: 'POST', path: '/api/v1/events/batch/retry', base: { eventIds: [event.id], status: 'failed', limit: 10 } },
      { method: 'POST', path: '/api/v1/endpoints', base: { url: `${sinkUrl}/e`, eventTypes: ['hostile.a'], description: 'd', filter: [{ field: '$.data.a', operator: 'exists' }], fifo: false, fifoPartitionKey: '$.data.a', customHeaders: { 'X-C': '1' }, transformation: 'function transform(w) { return w; }', maxRetries: 3, timeoutMs: 5000, rateLimitPerSec: 10 } },
      { method: 'PATCH', path: '/api/v1/endpoints/{endpoint}', base: { description: 'x', timeoutMs: 5000 } },
      { method: 'POST', path: '/api/v1/event-types', base: { name: 'hostile.new', description: 'd', schema: { type: 'object', properties: { s: { type: 'string', pattern: '^a+$' } } } } },
      { method: 'PUT', path: '/api/v1/event-types/{eventType}', base: { description: 'd', schema: { type: 'object' } } },
      { method: 'POST', path: '/api/v1/poll/ack', base: { ids: [randomUUID()] } },
      { method: 'POST', path: '/auth/signup', base: { email: 'h@example.test', password: 'correct horse battery', companyName: 'C' } },
      { method: 'POST', path: '/api/v1/endpoints/{endpoint}/mtls', base: { certPem: 'x', keyPem: 'y' } },
    ];
    for (const r of bodies) {
      const path = fill(r.path);
      for (const field of Object.keys(r.base)) {
        for (const value of HOSTILE) await send(r.method, path, { ...r.base, [field]: value }, r.headers?.());
      }
      // Forged and broken headers wherever a body carries headers.
      if ('headers' in r.base) {
        for (const headers of [{ 'X-Mittr-Signature': 'v1=forged' }, { Host: 'forged.example' }, { 'bad name': 'v' }, { '': 'v' },
          { 'Content-Length': '1' }, { 'Transfer-Encoding': 'chunked' }, { 'X-A': 'a\r\nb' }]) {
          await send(r.method, path, { ...r.base, headers }, r.headers?.());
        }
      }
      for (const whole of [deep(5_000), JSON.stringify({ a: JSON.parse(deep(200)) }), '[]', '"x"', '1', 'null', '{"a":', '\u0000', JSON.stringify({ pad: 'x'.repeat(1_200_000) })]) {
        await send(r.method, path, whole, r.headers?.());
      }
    }
    section('bodies');
    // Catastrophic regular expressions where the product takes them, then an event that would trigger them.
    await send('POST', '/api/v1/event-types', { name: 'hostile.redos', schema: { type: 'object', properties: { s: { type: 'string', pattern: '^(a|a)*$' } } } });
    await send('POST', '/api/v1/endpoints', { url: `${sinkUrl}/redos`, eventTypes: ['hostile.redos'], filter: [{ field: "$.data[?search(@, '^(a|a)*$')]", operator: 'exists' }] });
    await send('POST', '/api/v1/endpoints', { url: `${sinkUrl}/redos`, eventTypes: ['hostile.redos'], fifo: true, fifoPartitionKey: "$.data[?match(@, '(a+)+$')]" });
    await send('POST', '/api/v1/events', { eventType: 'hostile.redos', payload: { s: `${'a'.repeat(40)}b` } }, idem());

    section('regexes');
    // Server-side request forgery: the host's loopback in every spelling, by event, endpoint,
    // tenant allowedCidrs, transformation and redirect. The listener counts what reaches it.
    const hostPort = (hostListener.address() as AddressInfo).port;
    // These must exist for the attempts to be made: an endpoint URL is checked when it is delivered to.
    const created = async (res: { status: number; body: unknown }) => {
      requests++;
      if (res.status !== 201) problems.push(`an SSRF endpoint was not created: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    };
    const spellings = ['127.0.0.1', 'localhost', '2130706433', '0x7f000001', '0177.0.0.1', '127.1', '0', '[::1]', '[::ffff:127.0.0.1]', 'user@127.0.0.1'];
    for (const host of spellings) {
      const url = `http://${host}:${hostPort}/ssrf`;
      await send('POST', '/api/v1/events', { destination: url, payload: {}, maxAttempts: 1 }, idem());
      for (const allowedCidrs of [undefined, ['127.0.0.1/32'], ['0.0.0.0/0'], ['::/0']]) {
        await created(await call('POST', '/api/v1/endpoints', { url, eventTypes: ['hostile.ssrf'], maxRetries: 1, ...(allowedCidrs ? { allowedCidrs } : {}) }));
      }
    }
    await created(await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/rewrite`, eventTypes: ['hostile.ssrf'], maxRetries: 1, transformation: `function transform(w) { w.url = 'http://127.0.0.1:${hostPort}/rewritten'; return w; }` }));
    stack.sink.responder = (r) => (r.url === '/redirect' ? { status: 307, headers: { location: `http://127.0.0.1:${hostPort}/redirected` } } : { status: 200, body: 'OK' });
    await created(await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/redirect`, eventTypes: ['hostile.ssrf'], maxRetries: 1 }));
    await send('POST', '/api/v1/events', { eventType: 'hostile.ssrf', payload: {} }, idem());
    section('ssrf');
    // Queries and path parameters.
    const gets = ['/api/v1/events', '/api/v1/deliveries', '/api/v1/endpoints', '/api/v1/event-types', '/api/v1/poll', '/api/v1/endpoints/{endpoint}/versions/diff'];
    const params = ['limit', 'cursor', 'status', 'offset', 'range', 'start', 'end', 'outcome', 'endpoint_id', 'event_type', 'timeout', 'v1', 'v2', 'ids'];
    for (const g of gets) {
      for (const p of params) {
        for (const v of ['%00', '-1', '2147483648', '1e308', 'x'.repeat(3_000), 'WzEwMDAwMDAwMDAwMDAwMDAsIjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMCJd', '[]', '%0d%0a']) {
          await send('GET', `${fill(g)}?${p}=${v}`);
        }
      }
    }
    section('queries');
    const withIds = ['GET /api/v1/events/{event}', 'PATCH /api/v1/events/{event}', 'GET /api/v1/events/{event}/deliveries', 'POST /api/v1/events/{event}/replay',
      'GET /api/v1/deliveries/{delivery}', 'GET /api/v1/endpoints/{endpoint}', 'DELETE /api/v1/endpoints/{endpoint}/mtls', 'POST /api/v1/endpoints/{endpoint}/pause',
      'POST /api/v1/endpoints/{endpoint}/resume', 'GET /api/v1/endpoints/{endpoint}/secret', 'GET /api/v1/endpoints/{endpoint}/versions',
      'GET /api/v1/endpoints/{endpoint}/versions/{n}', 'POST /api/v1/endpoints/{endpoint}/versions/{n}/rollback', 'GET /api/v1/event-types/{eventType}',
      'GET /api/v1/event-types/by-name/{name}', 'GET /api/v1/endpoints/{endpoint}/versions/1'];
    for (const route of withIds) {
      const [method, template] = route.split(' ') as [string, string];
      for (const bad of HOSTILE_IDS) {
        for (const k of ['event', 'delivery', 'endpoint', 'eventType', 'n', 'name']) {
          if (template.includes(`{${k}}`)) await send(method, fill(template, { [k]: bad, n: k === 'n' ? bad : '1', name: k === 'name' ? bad : 'hostile.typed' }));
        }
      }
    }
    // Destructive routes last, on the victim's own resources: they must answer, not fail.
    await send('DELETE', fill('/api/v1/event-types/{eventType}'));
    await send('DELETE', fill('/api/v1/endpoints/{endpoint}'));

    section('ids');
    console.log(`hostile input: ${timings.join('; ')}`);
    watching = false;
    await Promise.all([health, ticks]);
    // Every canary delivered and projected within 2 s of being sent.
    for (const c of canaries) {
      const received = await stack.sink.waitFor((rs) => rs.some((r) => r.headers['x-mittr-event-id'] === c.id), 10_000).catch(() => undefined);
      const at = received?.find((r) => r.headers['x-mittr-event-id'] === c.id)?.at;
      if (at === undefined || at - c.sentAt > 2_000) problems.push(`canary ${c.id} delivered after ${at === undefined ? 'never' : `${at - c.sentAt} ms`}`);
    }
    const projected = await eventually(async () => {
      const statuses = await Promise.all(canaries.slice(-5).map(async (c) => (await canaryCall('GET', `/api/v1/events/${c.id}`)).body.status));
      return statuses.every((s) => s === 'delivered') ? statuses : undefined;
    }, 2_000, 100).catch(() => undefined);
    if (!projected) problems.push('the last canaries were not projected as delivered within 2 s');
    const slowest = Math.max(...healthMs);
    console.log(`/health: ${healthMs.length} probes, slowest ${Math.round(slowest)} ms, median ${Math.round(healthMs.sort((a, b) => a - b)[healthMs.length >> 1]!)} ms`);
    // Every SSRF attempt has had its one try by now (the redirect's target was answered).
    await stack.sink.waitFor((rs) => rs.some((r) => r.url === '/redirect'), 10_000).catch(() => problems.push('the redirecting receiver was never called'));
    if (hostConnections > 0) problems.push(`${hostConnections} connections reached the host's loopback listener`);
    if (slowest > 100) problems.push(`/health took ${Math.round(slowest)} ms at worst (${healthMs.filter((ms) => ms > 100).length} of ${healthMs.length} probes over 100 ms)`);

    expect(requests).toBeGreaterThan(1_000);
    expect(canaries.length).toBeGreaterThan(10);
    expect(problems).toEqual([]);
    stack.passed();
  }, 300_000);
});
