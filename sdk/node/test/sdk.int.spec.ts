import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, signup, startTestMittr } from '../../../test/support/mittr.ts';
import { ConflictError, expressWebhook, fastifyWebhook, Mittr, NotFoundError, RateLimitError, ValidationError, type MittrError } from '../src/index.ts';

const listen = (server: Server) => new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

/** @mittr/sdk-node against a live mittr: typed calls, pagination, errors, retries, idempotency, and the middleware receiving real deliveries. */
describe('@mittr/sdk-node', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let mittr: Mittr;
  let signingSecret: string;
  let first = '';
  let apiKey = '';
  const key = () => apiKey;
  const servers: Server[] = [];
  let fastify: FastifyInstance | undefined;

  beforeAll(async () => {
    env = await startTestMittr();
    const account = await signup(env.url);
    signingSecret = account.signingSecret;
    apiKey = account.apiKey;
    mittr = new Mittr({ apiKey: account.apiKey, baseUrl: env.url });
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await fastify?.close();
    await env?.stop();
  });

  it('runs the quickstart: an endpoint, an event sent to it, the event got back', async () => {
    const ep = await mittr.endpoints.create({ url: 'https://your-app.example/webhooks', eventTypes: ['order.created', 'order.updated'] });
    expect(ep).toMatchObject({ id: expect.any(String), eventTypes: ['order.created', 'order.updated'] });
    const sent = await mittr.events.send({ eventType: 'order.created', payload: { orderId: 'ord_123' } });
    expect(sent.id).toEqual(expect.any(String));
    first = sent.id;
    const got = await eventually(() => mittr.events.get(sent.id).catch(() => undefined));
    expect(got).toMatchObject({ id: sent.id, eventType: 'order.created', payload: { orderId: 'ord_123' } });
    expect((await mittr.endpoints.get(ep.id)).url).toBe('https://your-app.example/webhooks');
  });

  it('runs the quickstart\'s SDK example verbatim (sdk/node/examples/quickstart.mjs) against this mittr', async () => {
    const example = join(import.meta.dirname, '..', 'examples', 'quickstart.mjs');
    await promisify(execFile)(process.execPath, [example], { env: { ...process.env, MITTR_API_KEY: key(), MITTR_BASE_URL: env.url }, timeout: 60_000 });
    const sent = await eventually(async () => {
      for await (const e of mittr.events.list({ limit: 100 })) if (e.eventType === 'order.created' && (e.payload as { orderId?: string }).orderId === 'ord_123' && e.id !== first) return e;
      return undefined;
    });
    expect(sent).toMatchObject({ eventType: 'order.created' });
  });

  it('generates an idempotency key when none is given, and honours the caller\'s', async () => {
    const a = await mittr.events.send({ destination: 'https://a.example/h', payload: { n: 1 } });
    const b = await mittr.events.send({ destination: 'https://a.example/h', payload: { n: 1 } });
    expect(a.id).not.toBe(b.id);
    const c = await mittr.events.send({ destination: 'https://a.example/h', payload: { n: 2 } }, { idempotencyKey: 'sdk-same' });
    // A duplicate key is CONFLICT (002): the caller's key was sent, not a generated one.
    const d = await mittr.events.send({ destination: 'https://a.example/h', payload: { n: 2 } }, { idempotencyKey: 'sdk-same' }).catch((e: unknown) => e);
    expect(d).toBeInstanceOf(ConflictError);
    expect(d).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect((d as Error).message).toContain(c.id);
  });

  it('walks every page of a list with for await, and sends a batch', async () => {
    const batch = await mittr.events.batch({ events: Array.from({ length: 5 }, (_, i) => ({ idempotencyKey: `page-${i}`, destination: 'https://b.example/h', payload: { i } })) });
    expect(batch.count).toBe(5);
    const ids = new Set(batch.events.map((e) => e.id));
    const seen = await eventually(async () => {
      const all: string[] = [];
      for await (const e of mittr.events.list({ limit: 2 })) all.push(e.id); // pages of 2: several pages
      return [...ids].every((id) => all.includes(id)) ? all : undefined;
    });
    expect(new Set(seen).size).toBe(seen.length); // no item twice across pages
    expect((await mittr.events.list({ limit: 2 }).firstPage()).pagination.hasMore).toBe(true);
  });

  it('replays an event, and lists endpoints and event types', async () => {
    // Only a failed or dead event replays: an endpoint that answers 500, tried once.
    const failing = createServer((_req, res) => void res.writeHead(500).end('no'));
    servers.push(failing);
    const ep = await mittr.endpoints.create({ url: `${await listen(failing)}/x`, eventTypes: ['sdk.fails'], maxRetries: 1 } as never);
    expect(ep.id).toEqual(expect.any(String));
    const sent = await mittr.events.send({ eventType: 'sdk.fails', payload: { r: 1 } });
    await eventually(async () => ['failed', 'dead'].includes((await mittr.events.get(sent.id).catch(() => ({ status: '' }))).status), 60_000, 250);
    const replayed = await mittr.events.replay(sent.id);
    expect(replayed).toBeTruthy();
    // A delivered event does not replay. (One sent to an unreachable host could already have
    // failed by the time of the replay, and replayed: the spec raced the first attempt.)
    const accepting = createServer((_req, res) => void res.writeHead(200).end('ok'));
    servers.push(accepting);
    const done = await mittr.events.send({ destination: `${await listen(accepting)}/ok`, payload: {} });
    await eventually(async () => (await mittr.events.get(done.id).catch(() => ({ status: '' }))).status === 'delivered', 60_000, 250);
    const notReplayable = await mittr.events.replay(done.id).catch((e: unknown) => e);
    expect(notReplayable).toMatchObject({ status: expect.any(Number), code: expect.any(String) });
    const type = await mittr.eventTypes.create({ name: 'sdk.thing', description: 'from the SDK' } as never);
    const names = await eventually(async () => {
      const all: string[] = [];
      for await (const t of mittr.eventTypes.list()) all.push(t.name);
      return all.includes('sdk.thing') ? all : undefined; // the list is a read model: it follows shortly
    });
    expect(names).toContain('sdk.thing');
    expect((await mittr.eventTypes.get((type as { id: string }).id)).name).toBe('sdk.thing');
    const urls: string[] = [];
    for await (const e of mittr.endpoints.list()) urls.push(e.url);
    expect(urls).toContain('https://your-app.example/webhooks');
  });

  it('throws typed errors carrying code and status', async () => {
    const missing = await mittr.events.get('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const bad = await mittr.endpoints.create({ url: 'not a url', eventTypes: [] }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as MittrError).code).toBe('VALIDATION_ERROR');
    const wrongKey = await new Mittr({ apiKey: 'mtr_wrong', baseUrl: env.url }).events.list().firstPage().catch((e: unknown) => e);
    expect(wrongKey).toMatchObject({ status: 401 });
  });

  it('retries a 429 and a 503 after Retry-After, with the same idempotency key, and gives up after maxRetries', async () => {
    // A loopback front answering 429 then 503 (with Retry-After) before passing the request to mittr.
    const seen: Array<{ at: number; key: string | undefined }> = [];
    const front = createServer((req, res) => {
      seen.push({ at: Date.now(), key: req.headers['x-idempotency-key'] as string | undefined });
      if (seen.length === 1) return void res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"error":"slow down","code":"RATE_LIMITED"}');
      if (seen.length === 2) return void res.writeHead(503, { 'retry-after': '0', 'content-type': 'application/json' }).end('{"error":"down","code":"SERVICE_UNAVAILABLE"}');
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c)).on('end', async () => {
        const r = await fetch(env.url + req.url, { method: req.method, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text());
      });
    });
    servers.push(front);
    const base = await listen(front);
    const sent = await new Mittr({ apiKey: key(), baseUrl: base }).events.send({ destination: 'https://d.example/h', payload: { retried: true } });
    expect(sent.id).toEqual(expect.any(String));
    expect(seen).toHaveLength(3);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950); // Retry-After: 1
    expect(new Set(seen.map((s) => s.key)).size).toBe(1);

    const always = createServer((_req, res) => void res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' }).end('{"error":"no","code":"RATE_LIMITED"}'));
    servers.push(always);
    const err = await new Mittr({ apiKey: 'k', baseUrl: await listen(always), maxRetries: 2 }).events.list().firstPage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
  });

  it('verifies real deliveries in Express and Fastify middleware, and answers 401 to a forged one', async () => {
    const got: Array<{ via: string; body: unknown }> = [];
    const app = express();
    app.post('/hooks', expressWebhook({ secret: signingSecret }), (req, res) => { got.push({ via: 'express', body: req.body }); res.sendStatus(200); });
    const ex = createServer(app);
    servers.push(ex);
    const exUrl = await listen(ex);
    fastify = Fastify();
    await fastify.register(async (s) => {
      await fastifyWebhook({ secret: signingSecret })(s);
      s.post('/hooks', async (req) => { got.push({ via: 'fastify', body: req.body }); return 'ok'; });
    });
    const fUrl = await fastify.listen({ port: 0, host: '127.0.0.1' });

    await mittr.events.send({ destination: `${exUrl}/hooks`, payload: { to: 'express', note: 'ünïcode ✓' } });
    await mittr.events.send({ destination: `${fUrl}/hooks`, payload: { to: 'fastify' } });
    await eventually(async () => got.length >= 2, 30_000, 200);
    expect(got).toEqual(expect.arrayContaining([{ via: 'express', body: { to: 'express', note: 'ünïcode ✓' } }, { via: 'fastify', body: { to: 'fastify' } }]));

    for (const url of [exUrl, fUrl]) {
      const ts = String(Math.floor(Date.now() / 1000));
      const forged = await fetch(`${url}/hooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-mittr-signature': `v1=${'0'.repeat(64)}`, 'x-mittr-timestamp': ts }, body: '{"to":"x"}' });
      expect(forged.status).toBe(401);
      expect(await forged.json()).toMatchObject({ code: 'INVALID_SIGNATURE' });
    }
    expect(got).toHaveLength(2);
  });
});
