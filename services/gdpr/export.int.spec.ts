import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, isolatedConfig, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink } from '../../test/support/sink.ts';
import { fillWorkspace, type Filled } from '../../test/support/workspace.ts';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the export is arbitrary JSON

describe('GET /api/v1/gdpr/export', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let mine: Filled;
  let other: Filled;
  let scopedKey: string;
  let second: { projectId: string; eventTypeId: string };
  const subAccountIds: string[] = [];

  beforeAll(async () => {
    const sinkUrl = await sink.start();
    env = await startTestMittr({ ...isolatedConfig(), alerting: { evaluateEveryMs: 1_000 } });
    mine = await fillWorkspace(env.url, sinkUrl, 'Exporting Ltd', { events: 3, path: '/mine' });
    other = await fillWorkspace(env.url, sinkUrl, 'Other Ltd', { events: 3, path: '/other' });
    scopedKey = (await mine.call('POST', '/api/v1/api-keys', { name: 'reader', scopes: ['events:read'] })).body.key;
    // A second project, with an event type of its own: the export walks every project.
    const project = (await mine.call('POST', '/api/v1/projects', { name: 'Second' })).body;
    const et = (await mine.call('POST', '/api/v1/event-types', { name: 'second.thing' }, { 'x-project-id': project.id })).body;
    second = { projectId: project.id, eventTypeId: et.id };
    // Sub-accounts, one of them deactivated: its history is the workspace's still.
    for (const subID of ['cust_live', 'cust_gone']) {
      const sub = (await mine.call('POST', '/api/v1/sub-accounts', { name: `Customer ${subID}`, subID, metadata: { contact: `${subID}@example.test` } })).body;
      subAccountIds.push(sub.id);
    }
    expect((await mine.call('DELETE', `/api/v1/sub-accounts/${subAccountIds[1]}`)).status).toBeLessThan(300);
    for (const w of [mine, other]) {
      for (const id of w.eventIds) await eventually(async () => (await w.call('GET', `/api/v1/events/${id}`)).body.status === 'delivered', 30_000);
    }
    // A rule that fires on those deliveries, so the alert history holds a row; disabled once it did.
    const rule = (await mine.call('POST', '/api/v1/alerting/rules', { name: 'fires', condition: { metric: 'delivery_count', operator: 'gte', value: 1, window: '1h' },
      action: { type: 'webhook', webhookUrl: `${sinkUrl}/alert` } })).body;
    await eventually(async () => (await mine.call('GET', '/api/v1/alerting/history')).body.data.length >= 1, 30_000);
    await mine.call('POST', `/api/v1/alerting/rules/${rule.id}/disable`);
  }, 120_000);
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  it('holds every kind of thing the workspace created, as the API shows it, and nothing of another workspace', async () => {
    const res = await fetch(`${env.url}/api/v1/gdpr/export`, { headers: { 'x-api-key': mine.apiKey } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="mittr-export-/);
    const text = await res.text();
    const doc = JSON.parse(text) as Doc;
    expect(doc).toMatchObject({ format: 'mittr.gdpr-export/1', account: { id: mine.accountId, email: mine.email, companyName: 'Exporting Ltd' } });
    expect(doc.members).toEqual([{ userId: expect.any(String), email: mine.email, emailVerified: false, role: 'admin' }]);
    expect(doc.projects.map((p: Doc) => p.name)).toEqual(['Default', 'Second']);
    // API keys: metadata only, never a key.
    expect(doc.apiKeys.map((k: Doc) => k.id)).toEqual(expect.arrayContaining([mine.keyId]));
    expect(doc.apiKeys).toHaveLength(3);
    expect(text).not.toContain(mine.apiKey);
    expect(text).not.toContain(scopedKey);
    // Endpoints with every version of their configuration.
    expect(doc.endpoints.map((e: Doc) => e.id).sort()).toEqual([...mine.endpointIds].sort());
    const changed = doc.endpoints.find((e: Doc) => e.id === mine.endpointIds[0]);
    expect(changed.versions.map((v: Doc) => v.config.description)).toEqual(['v1', 'v2']);
    expect(doc.eventTypes.map((t: Doc) => [t.projectId, t.id])).toEqual([[doc.projects[0].id, mine.eventTypeId], [second.projectId, second.eventTypeId]]);
    // Events with their payloads and every attempt (one per endpoint, both delivered).
    expect(doc.events.map((e: Doc) => e.id).sort()).toEqual([...mine.eventIds].sort());
    for (const e of doc.events) {
      expect(e.payload).toMatchObject({ marker: mine.marker, customer: `${mine.marker}@example.test` });
      expect(e.attempts.map((a: Doc) => a.outcome)).toEqual(['success', 'success']);
    }
    expect(doc.inboundEndpoints.map((i: Doc) => i.id)).toEqual([mine.inboundId]);
    expect(doc.inboundEndpoints[0].requests).toHaveLength(1);
    expect(doc.inboundEndpoints[0].requests[0].body).toBe(JSON.stringify({ marker: mine.marker }));
    expect(text).not.toContain('whsec_export_0123456789abcdef');
    expect(doc.subAccounts.map((a: Doc) => [a.id, a.subID, a.status, a.metadata.contact]).sort()).toEqual([
      [subAccountIds[0], 'cust_live', 'active', 'cust_live@example.test'], [subAccountIds[1], 'cust_gone', 'deactivated', 'cust_gone@example.test']].sort());
    expect(doc.connectors.map((c: Doc) => c.id)).toEqual([mine.connectorId]);
    expect(doc.alertRules.map((r: Doc) => r.id)).toEqual(expect.arrayContaining([mine.ruleId]));
    expect(doc.alertHistory.length).toBeGreaterThanOrEqual(1);
    expect(doc.auditLog.map((a: Doc) => a.resource)).toEqual(expect.arrayContaining(['account', 'member', 'endpoint', 'event_type', 'api_key', 'inbound_endpoint']));

    // Tenant isolation: no id, marker or address of the other workspace anywhere in it.
    for (const s of [other.accountId, other.marker, other.email, ...other.eventIds, ...other.endpointIds, other.inboundId, other.connectorId, other.ruleId, other.keyId]) {
      expect(text, s).not.toContain(s);
    }
  });

  it('is an admin\'s: documented so, and a key without the gdpr scopes is 403', async () => {
    const paths = (await api(env.url)('GET', '/openapi.json')).body.paths;
    expect(paths['/api/v1/gdpr/export'].get).toMatchObject({ 'x-mittr-scope': 'gdpr:read', 'x-mittr-role': 'admin' });
    expect(paths['/api/v1/gdpr/data'].delete).toMatchObject({ 'x-mittr-scope': 'gdpr:write', 'x-mittr-role': 'admin' });
    expect(Object.keys(paths['/api/v1/gdpr/data'].delete.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403']));
    expect(await api(env.url, scopedKey)('GET', '/api/v1/gdpr/export')).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE' } });
    expect(await api(env.url, scopedKey)('DELETE', '/api/v1/gdpr/data', { confirm: mine.accountId })).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE' } });
  });
});
