import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../../services/platform/config/config.ts';
import { api, eventually } from './mittr.ts';

export type Call = ReturnType<typeof api>;
/** A workspace a spec filled with one of every kind of thing, and what it put there. */
export type Filled = {
  accountId: string; email: string; password: string; apiKey: string; call: Call; marker: string;
  endpointIds: string[]; eventIds: string[]; eventTypeId: string; inboundId: string; connectorId: string; ruleId: string; keyId: string;
};

/** Signs up a workspace with a known e-mail and password (to log in with). */
export async function openWorkspace(base: string, companyName: string) {
  const email = `u${randomBytes(6).toString('hex')}@example.test`;
  const password = 'correct horse battery';
  const res = await api(base)('POST', '/auth/signup', { email, password, companyName });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  const { apiKey, id } = res.body as { apiKey: string; id: string };
  return { accountId: id, email, password, apiKey, call: api(base, apiKey) };
}

/**
 * One of every kind of thing a workspace owns: endpoints (one changed, so two versions; one
 * FIFO; no circuit breaker, so a failing receiver is retried on schedule), an event type, `events` events whose payloads carry `marker` (to find them anywhere),
 * an inbound endpoint with a refused request, a connector, an alert rule, a second API key.
 */
export async function fillWorkspace(base: string, sinkUrl: string, companyName: string, o: { events: number; path: string; maxAttempts?: number }): Promise<Filled> {
  const ws = await openWorkspace(base, companyName);
  const { call } = ws;
  const marker = `marker-${randomBytes(8).toString('hex')}`;
  const ok = (r: { status: number; body: unknown }, what: string) => { if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`); return r.body as { id: string }; };
  const ep = ok(await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}${o.path}/plain`, eventTypes: ['order.*'], description: 'v1', circuitThreshold: 0 }), 'endpoint');
  ok(await call('PATCH', `/api/v1/endpoints/${ep.id}`, { description: 'v2' }), 'endpoint change');
  const fifo = ok(await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}${o.path}/fifo`, eventTypes: ['order.*'], fifo: true, circuitThreshold: 0 }), 'fifo endpoint');
  const et = ok(await call('POST', '/api/v1/event-types', { name: 'order.created', description: `${marker} type` }), 'event type');
  const eventIds: string[] = [];
  for (let i = 0; i < o.events; i++) {
    const e = await call('POST', '/api/v1/events', { eventType: 'order.created', payload: { marker, i, customer: `${marker}@example.test` }, ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}) },
      { 'x-idempotency-key': `${marker}-${i}` });
    eventIds.push(ok(e, 'event').id);
  }
  const ib = ok(await call('POST', '/api/v1/inbound-endpoints', { name: `in-${marker}`, source: 'stripe', sourceConfig: { secret: 'whsec_export_0123456789abcdef' } }), 'inbound') as { id: string; pathSuffix?: string };
  const refused = await fetch(`${base}/inbound/${ib.pathSuffix}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ marker }) });
  if (refused.status !== 401) throw new Error(`inbound request: ${refused.status}`);
  const connector = ok(await call('POST', '/api/v1/connectors', { name: `c-${marker}`, type: 'webhook', config: { url: `${sinkUrl}/connector-${marker}` } }), 'connector');
  const rule = ok(await call('POST', '/api/v1/alerting/rules', { name: `r-${marker}`, condition: { metric: 'failure_rate', operator: 'gt', value: 0.99, window: '5m' },
    action: { type: 'webhook', webhookUrl: `${sinkUrl}/alert-${marker}` } }), 'alert rule');
  const key = ok(await call('POST', '/api/v1/api-keys', { name: `k-${marker}`, scopes: ['events:read'] }), 'api key');
  await eventually(async () => (await call('GET', `/api/v1/inbound-endpoints/${ib.id}/requests`)).body?.data?.length === 1);
  return { ...ws, marker, endpointIds: [ep.id, fifo.id], eventIds, eventTypeId: et.id, inboundId: ib.id, connectorId: connector.id, ruleId: rule.id, keyId: key.id };
}

/** A Postgres client on the spec's schema, for looking at the tables themselves. */
export async function schemaClient(config: Config): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  await client.query(`SET search_path TO "${config.databaseSchema}"`);
  return client;
}

/** Rows holding the account in every table with an account_id column (and the accounts row), by table: empty when none. erased_accounts, the record of its erasure, is not its data. */
export async function rowsOf(client: pg.Client, schema: string, accountId: string): Promise<Record<string, number>> {
  const tables = (await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'account_id' AND table_name <> 'erased_accounts' ORDER BY table_name`, [schema])).rows.map((r) => r.table_name);
  const out: Record<string, number> = {};
  for (const t of [...tables, 'accounts']) {
    const column = t === 'accounts' ? 'id' : 'account_id';
    const n = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${t}" WHERE ${column} = $1`, [accountId])).rows[0]!.n);
    if (n > 0) out[t] = n;
  }
  return out;
}
