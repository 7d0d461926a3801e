import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuild } from '../services/rebuild.ts';
import { api, eventually, startTestMittr } from './support/mittr.ts';
import { dataDirs, scan } from './support/disk.ts';
import { RecordingSink } from './support/sink.ts';
import { fillWorkspace, rowsOf, schemaClient, type Filled } from './support/workspace.ts';

/**
 * Erasing a workspace end to end, on the real Kafka and Postgres with a loopback receiver: its
 * keys and sessions stop at once, its retrying deliveries are dropped, every read model loses
 * its rows (vacuumed after), a rebuild brings none back and equals the live read models, and
 * another workspace on the same partitions goes on delivering.
 */
describe('DELETE /api/v1/gdpr/data', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let sinkUrl: string;
  let erased: Filled;
  let kept: Filled;
  let cookie: string;
  let db: pg.Client;
  const erasedInvitee = `invitee-${randomBytes(6).toString('hex')}@example.test`;
  // An endpoint's credentials: in its URL and in its custom header (sealed on the endpoints topic),
  // and a direct destination's; both are copied into every record of their deliveries.
  const erasedCredential = `credential-${randomBytes(8).toString('hex')}`;
  const toErased = () => sink.received.filter((r) => r.url.startsWith('/erased/'));

  beforeAll(async () => {
    sinkUrl = await sink.start();
    // The erased workspace's receiver fails: its deliveries are retrying when it is erased. The
    // other's FIFO endpoint fails too: the control that retries go on meanwhile.
    sink.responder = (r) => ({ status: r.url.startsWith('/erased/') || r.url === '/kept/fifo' ? 500 : 200 });
    env = await startTestMittr();
    erased = await fillWorkspace(env.url, sinkUrl, 'Doomed Ltd', { events: 4, path: '/erased', maxAttempts: 20 });
    kept = await fillWorkspace(env.url, sinkUrl, 'Kept Ltd', { events: 4, path: '/kept' });
    expect((await erased.call('POST', '/api/v1/team/invite', { email: erasedInvitee, role: 'viewer' })).status).toBe(201);
    // Sent to, and failing: the routing, each dispatch and each attempt carry the endpoint's URL,
    // as a direct event's records carry its destination (the events, endpoints and outcomes topics, the delay tiers and lanes).
    const withCredential = (path: string) => `${sinkUrl.replace('://', `://user:${erasedCredential}@`)}/erased/${path}?token=${erasedCredential}`;
    const credentialed = { url: withCredential('quiet'), eventTypes: ['credential.sent'], customHeaders: { Authorization: `Bearer ${erasedCredential}` }, circuitThreshold: 0 };
    expect((await erased.call('POST', '/api/v1/endpoints', credentialed)).status).toBe(201);
    const toEndpoint = await erased.call('POST', '/api/v1/events', { eventType: 'credential.sent', payload: { n: 1 }, maxAttempts: 20 }, { 'x-idempotency-key': `${erased.marker}-credential` });
    const direct = await erased.call('POST', '/api/v1/events', { destination: withCredential('direct'), payload: { n: 2 }, maxAttempts: 20 }, { 'x-idempotency-key': `${erased.marker}-direct` });
    expect([toEndpoint.status, direct.status]).toEqual([201, 201]);
    const login = await api(env.url)('POST', '/auth/login', { email: erased.email, password: erased.password });
    cookie = /mittr_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1]!;
    db = await schemaClient(env.config);
    // Each of the erased workspace's events was tried at least twice: they are retrying through the delay tiers (and in place, FIFO).
    await sink.waitFor(() => toErased().filter((r) => r.url === '/erased/plain').length >= 2 * erased.eventIds.length, 30_000)
      .catch((err: Error) => { throw new Error(`${err.message}: ${sink.received.map((r) => r.url).join(' ')}`); });
    await sink.waitFor((all) => all.filter((r) => r.url === '/kept/plain').length >= kept.eventIds.length, 30_000);
    // Both were tried, and their attempts are answered with the URL in clear (the read model keeps it sealed).
    await sink.waitFor(() => toErased().some((r) => r.url === `/erased/quiet?token=${erasedCredential}`) && toErased().some((r) => r.url === `/erased/direct?token=${erasedCredential}`), 30_000);
    for (const [event, url] of [[toEndpoint, credentialed.url], [direct, withCredential('direct')]] as const) {
      const attempts = await eventually(async () => {
        const list = (await erased.call('GET', `/api/v1/events/${event.body.id}/deliveries`)).body.deliveries as Array<{ url: string }>;
        return list?.length ? list : null;
      }, 30_000);
      expect(attempts[0]!.url).toBe(url);
    }
    expect((await erased.call('GET', `/api/v1/events/${direct.body.id}`)).body.destination).toBe(withCredential('direct'));
  }, 120_000);
  afterAll(async () => {
    await db?.end();
    await env?.stop();
    await sink.stop();
  });

  it('refuses an erasure that does not name the workspace: 400 CONFIRMATION_REQUIRED, nothing erased', async () => {
    for (const body of [undefined, {}, { confirm: 'Kept Ltd' }, { confirm: kept.accountId }]) {
      const res = await erased.call('DELETE', '/api/v1/gdpr/data', body);
      expect(res, JSON.stringify(body)).toMatchObject({ status: 400, body: { code: 'CONFIRMATION_REQUIRED' } });
    }
    expect((await erased.call('GET', '/api/v1/me')).status).toBe(200);
  });

  it('erases: 401 at once for its keys and sessions, its deliveries dropped, its rows gone and vacuumed, the other workspace untouched', async () => {
    const before = await rowsOf(db, env.config.databaseSchema, erased.accountId);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['events', 'delivery_attempts', 'endpoints', 'event_types', 'inbound_endpoints', 'inbound_requests',
      'connectors', 'alert_rules', 'audit_log', 'api_keys', 'sessions', 'accounts', 'usage_monthly', 'analytics_hourly']));
    const keptBefore = await rowsOf(db, env.config.databaseSchema, kept.accountId);

    const res = await erased.call('DELETE', '/api/v1/gdpr/data', { confirm: erased.accountId });
    expect(res).toMatchObject({ status: 202, body: { accountId: erased.accountId, status: 'erased' } });
    const erasedAt = Date.parse(res.body.erasedAt);

    // Keys and sessions: refused from the answer on; new events and inbound requests too.
    expect((await erased.call('GET', '/api/v1/me')).status).toBe(401);
    expect((await erased.call('POST', '/api/v1/events', { eventType: 'order.created', payload: {} }, { 'x-idempotency-key': 'after' })).status).toBe(401);
    expect((await api(env.url)('GET', '/api/v1/events', undefined, { cookie: `mittr_session=${cookie}` })).status).toBe(401);
    expect((await api(env.url)('GET', '/auth/session', undefined, { cookie: `mittr_session=${cookie}` })).status).toBe(401);
    expect((await api(env.url)('POST', '/auth/login', { email: erased.email, password: erased.password })).status).toBe(401);

    // Every read model and reservation: no row of the workspace is left, and the tables were vacuumed after.
    await eventually(async () => Object.keys(await rowsOf(db, env.config.databaseSchema, erased.accountId)).length === 0, 30_000);
    // Its owner was a member of no other workspace: their own key went too, so their address is
    // free again at once, here as in a process booted afterwards, for a new signup that logs in.
    const again = await eventually(async () => { const r = await api(env.url)('POST', '/auth/signup', { email: erased.email, password: 'another horse battery' }); return r.status === 201 && r; }, 30_000);
    expect(await api(env.url)('POST', '/auth/login', { email: erased.email, password: 'another horse battery' })).toMatchObject({ status: 200, body: { workspace: { id: again.body.id } } });
    const dependents = await db.query(`SELECT
      (SELECT count(*) FROM event_destinations WHERE event_id = ANY($1::uuid[])) AS destinations,
      (SELECT count(*) FROM endpoint_versions WHERE endpoint_id = ANY($2::uuid[])) AS versions,
      (SELECT count(*) FROM idempotency_keys k WHERE k.key LIKE $3) AS keys`, [erased.eventIds, erased.endpointIds, `${erased.marker}%`]);
    expect(dependents.rows[0]).toEqual({ destinations: '0', versions: '0', keys: '0' });
    await eventually(async () => {
      const v = await db.query(`SELECT relname FROM pg_stat_user_tables WHERE schemaname = $1 AND relname IN ('events', 'delivery_attempts', 'audit_log') AND last_vacuum >= to_timestamp($2 / 1000.0)`,
        [env.config.databaseSchema, erasedAt]);
      return v.rowCount === 3;
    }, 30_000);

    // The retrying deliveries are dropped; the other workspace's failing FIFO key is retried meanwhile, as they would have been.
    await new Promise((r) => setTimeout(r, 10_000));
    const late = toErased().filter((r) => r.at > erasedAt + 1_500);
    expect(late.map((r) => r.url)).toEqual([]);
    expect(sink.received.filter((r) => r.url === '/kept/fifo' && r.at > erasedAt + 1_500).length).toBeGreaterThan(0);

    // The other workspace keeps its rows and goes on delivering, on the same partitions.
    const keptAfter = await rowsOf(db, env.config.databaseSchema, kept.accountId);
    for (const [table, n] of Object.entries(keptBefore)) expect(keptAfter[table] ?? 0, table).toBeGreaterThanOrEqual(n);
    const next = await kept.call('POST', '/api/v1/events', { eventType: 'order.created', payload: { after: true } }, { 'x-idempotency-key': 'after-erasure' });
    expect(next.status).toBe(201);
    await sink.waitFor((all) => all.some((r) => r.url === '/kept/plain' && r.body.includes('"after":true')), 30_000);
    expect((await kept.call('GET', `/api/v1/events/${kept.eventIds[0]}`)).status).toBe(200);
  }, 90_000);

  it('rebuilds from the log into the same read models: nothing of the erased workspace comes back', async () => {
    // The control's FIFO key succeeds now and is left to finish: attempts appended while the log
    // is replayed would make the read models compared differ by them.
    sink.responder = () => ({ status: 200 });
    for (const id of kept.eventIds) await eventually(async () => (await kept.call('GET', `/api/v1/events/${id}`)).body.status === 'delivered', 60_000);
    const result = await rebuild(env.config, { verify: true });
    expect(Object.entries(result.tables!).filter(([, same]) => !same)).toEqual([]);
    expect(result.identical).toBe(true);
    await rebuild(env.config);
    expect(await rowsOf(db, env.config.databaseSchema, erased.accountId)).toEqual({});
    expect((await kept.call('GET', `/api/v1/events/${kept.eventIds[0]}`)).status).toBe(200);
  }, 120_000);

  it('leaves none of its payloads in clear in Kafka\'s segments or Postgres\' files (sealing is the default)', async () => {
    // Each payload names `<marker>@example.test` (test/support/workspace.ts); the marker alone is
    // also in names, which stay clear. The kept workspace's payloads are the positive control:
    // its rows hold them sealed, so the scan must find them in neither store either, while the
    // event type, which stays clear, is found in both.
    const dirs = await dataDirs(env.config);
    const erasedPayload = `${erased.marker}@example.test`;
    const keptPayload = `${kept.marker}@example.test`;
    // The people's e-mail addresses too: the owners' (sealed under their own data keys, the erased
    // one's shredded with the workspace) and the one the erased workspace invited (under its key).
    const found = await scan([...dirs.kafka, dirs.postgres], [erasedPayload, keptPayload, 'order.created', erased.email, erasedInvitee, kept.email, erasedCredential]);
    expect(found['order.created']!.some((f) => dirs.kafka.some((d) => f.startsWith(d)))).toBe(true);
    expect(found['order.created']!.some((f) => f.startsWith(dirs.postgres))).toBe(true);
    expect(found[erasedPayload]).toEqual([]);
    expect(found[keptPayload]).toEqual([]);
    expect({ erased: found[erased.email], invitee: found[erasedInvitee], kept: found[kept.email], credential: found[erasedCredential] }).toEqual({ erased: [], invitee: [], kept: [], credential: [] });
    expect((await kept.call('GET', `/api/v1/events/${kept.eventIds[0]}`)).body.payload).toMatchObject({ marker: kept.marker, customer: keptPayload });
  }, 120_000);
});
