import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { sign as githubSign } from '@octokit/webhooks-methods';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDirs, scan } from '../../test/support/disk.ts';
import { api, eventually, signup, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink } from '../../test/support/sink.ts';
import { erasedRecordsSkipped } from '../platform/crypto/erased.ts';
import { decodeBatch } from '../platform/kafka/processor.ts';
import { Serde } from '../platform/kafka/serde.ts';
import { DataKeys } from './store.ts';

describe('personal fields sealed under the workspace data key, on disk and after erasure', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let sinkUrl: string;
  let kafkaLogDirs: string[];
  let pgDataDir: string;
  const mark = (what: string) => `mk-${what}-${randomBytes(8).toString('hex')}`;
  const responseMarker = mark('response');

  beforeAll(async () => {
    sinkUrl = await sink.start();
    sink.responder = (r) => (r.url.startsWith('/refuse') ? { status: 410, body: 'gone' } : { status: 200, body: `thanks ${responseMarker}` });
    env = await startTestMittr();
    ({ kafka: kafkaLogDirs, postgres: pgDataDir } = await dataDirs(env.config));
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  /** Flushes Postgres' dirty pages (the heap files) and WAL, so what it holds is on disk to be scanned. */
  async function checkpoint() {
    const client = new pg.Client({ connectionString: env.config.databaseUrl });
    await client.connect();
    await client.query('CHECKPOINT');
    await client.end();
  }

  /** The sink's URL with `marker` as the password and as a token in the query string, at `path`. */
  const credentialed = (marker: string, path: string) => `${sinkUrl.replace('://', `://user:${marker}@`)}${path}?token=${marker}`;

  /** An event's attempts' URLs, read back through the event's deliveries and the attempts list. */
  async function attemptUrls(call: ReturnType<typeof api>, eventId: string, count: number) {
    const attempts = await eventually(async () => {
      const list = (await call('GET', `/api/v1/events/${eventId}/deliveries`)).body.deliveries as Array<{ id: string; url: string }>;
      return list?.length === count ? list : null;
    });
    const listed = (await call('GET', '/api/v1/deliveries?range=1h&limit=200')).body.data as Array<{ id: string; url: string }>;
    expect(attempts.map((a) => listed.find((l) => l.id === a.id)?.url)).toEqual(attempts.map((a) => a.url));
    expect((await call('GET', `/api/v1/deliveries/${attempts[0]!.id}`)).body.url).toBe(attempts[0]!.url);
    return attempts.map((a) => a.url);
  }

  /**
   * An endpoint whose URL holds credentials and whose custom header an Authorization, created
   * and changed (two versions, two audit lines), and read back in clear from every query that
   * answers them; an event sent to it, whose routing, dispatch and attempt carry the URL, read
   * back in clear from the event's attempts.
   */
  async function endpointWithCredentials(call: ReturnType<typeof api>) {
    const urlMarker = mark('url');
    const customHeaderMarker = mark('custom-header');
    const url = credentialed(urlMarker, '/quiet');
    const type = `cred.${randomBytes(4).toString('hex')}`;
    const created = await call('POST', '/api/v1/endpoints', { url, eventTypes: [type], customHeaders: { Authorization: `Bearer ${customHeaderMarker}` } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = (created.body as { id: string }).id;
    expect((await call('PATCH', `/api/v1/endpoints/${id}`, { description: 'changed' })).status).toBe(200);
    const got = await eventually(async () => {
      const e = (await call('GET', `/api/v1/endpoints/${id}`)).body as { url: string; customHeaders: Record<string, string>; version: number };
      return e?.version === 2 ? e : null;
    });
    expect(got.url).toBe(url);
    expect(got.customHeaders).toEqual({ Authorization: `Bearer ${customHeaderMarker}` });
    const versions = (await call('GET', `/api/v1/endpoints/${id}/versions`)).body.data as Array<{ config: { url: string; customHeaders: Record<string, string> } }>;
    expect(versions.map((v) => [v.config.url, v.config.customHeaders.Authorization])).toEqual([[url, `Bearer ${customHeaderMarker}`], [url, `Bearer ${customHeaderMarker}`]]);
    const listed = (await call('GET', '/api/v1/endpoints?limit=100')).body.data as Array<{ id: string; url: string }>;
    expect(listed.find((e) => e.id === id)?.url).toBe(url);
    // The audit log answers the URL opened and the header's name only, as it always did.
    const lines = await eventually(async () => {
      const data = (await call('GET', `/api/v1/audit-logs?resource=endpoint&limit=100`)).body.data as Array<{ resourceId: string; after: { url: string; customHeaders: Record<string, string> } | null }>;
      const mine = data.filter((l) => l.resourceId === id);
      return mine.length === 2 ? mine : null;
    });
    for (const l of lines) expect(l.after).toMatchObject({ url, customHeaders: { Authorization: '[redacted]' } });
    const sent = await call('POST', '/api/v1/events', { eventType: type, payload: { to: 'credentialed' } }, { 'x-idempotency-key': randomUUID() });
    expect(sent.status).toBe(201);
    await sink.waitFor((r) => r.some((x) => x.url === `/quiet?token=${urlMarker}` && x.headers.authorization === `Bearer ${customHeaderMarker}`));
    expect(await attemptUrls(call, sent.body.id, 1)).toEqual([url]);
    return { urlMarker, customHeaderMarker };
  }

  /**
   * A direct event to a URL with credentials, dead, its destination edited to another such URL
   * and replayed: the event, its edit (and the audit line of it), the replay, the routings, the
   * dispatches and the attempts all carry one of the two, read back in clear from the event,
   * its attempts and the audit log.
   */
  async function directWithCredentials(call: ReturnType<typeof api>) {
    const destinationMarker = mark('destination');
    const editedMarker = mark('edited-destination');
    const destination = credentialed(destinationMarker, '/refuse');
    const edited = credentialed(editedMarker, '/fixed');
    const sent = await call('POST', '/api/v1/events', { destination, payload: { n: 2 }, maxAttempts: 1 }, { 'x-idempotency-key': randomUUID() });
    expect(sent.status).toBe(201);
    expect(sent.body.destination).toBe(destination);
    await eventually(async () => ((await call('GET', `/api/v1/events/${sent.body.id}`)).body?.status === 'dead' ? true : null));
    expect((await call('GET', `/api/v1/events/${sent.body.id}`)).body.destination).toBe(destination);
    const patched = await call('PATCH', `/api/v1/events/${sent.body.id}`, { destination: edited, replay: true });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await sink.waitFor((r) => r.some((x) => x.url === `/fixed?token=${editedMarker}`));
    const event = await eventually(async () => {
      const e = (await call('GET', `/api/v1/events/${sent.body.id}`)).body;
      return e?.status === 'delivered' ? e : null;
    });
    expect(event.destination).toBe(edited);
    expect(await attemptUrls(call, sent.body.id, 2)).toEqual([destination, edited]);
    const line = await eventually(async () => {
      const data = (await call('GET', '/api/v1/audit-logs?resource=event&limit=100')).body.data as Array<{ resourceId: string; action: string; after: { destination: string } | null }>;
      return data.find((l) => l.resourceId === sent.body.id && l.action === 'event.edited') ?? null;
    });
    expect(line.after?.destination).toBe(edited);
    return { destinationMarker, editedMarker };
  }

  /** A poll endpoint with credentials in its URL: the queued message and the ack's attempt carry it, read back in clear. */
  async function pollWithCredentials(call: ReturnType<typeof api>) {
    const pollMarker = mark('poll-url');
    const url = credentialed(pollMarker, '/polled');
    const type = `polled.${randomBytes(4).toString('hex')}`;
    const ep = (await call('POST', '/api/v1/endpoints', { url, eventTypes: [type], deliveryMode: 'poll' })).body as { id: string };
    const sent = await call('POST', '/api/v1/events', { eventType: type, payload: { to: 'poller' } }, { 'x-idempotency-key': randomUUID() });
    expect(sent.status).toBe(201);
    const [message] = await eventually(async () => {
      const data = (await call('GET', `/api/v1/poll?endpoint_id=${ep.id}&timeout=5`)).body.data as Array<{ id: string }>;
      return data?.length ? data : null;
    });
    expect((await call('POST', '/api/v1/poll/ack', { ids: [message!.id] })).body.acked).toEqual([message!.id]);
    expect(await attemptUrls(call, sent.body.id, 1)).toEqual([url]);
    return { pollMarker };
  }

  it('holds no payload, header, response body, inbound request or destination URL in clear in Kafka\'s segments or Postgres\' files, and serves them in clear', async () => {
    const workspace = await signup(env.url);
    const call = api(env.url, workspace.apiKey);
    const clearType = `clear.ctl${randomBytes(6).toString('hex')}`;
    const payloadMarker = mark('payload');
    const headerMarker = mark('header');
    const inboundBodyMarker = mark('inbound-body');
    const inboundHeaderMarker = mark('inbound-header');
    expect((await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/fan`, eventTypes: [clearType, 'push'] })).status).toBe(201);
    const sent = await call('POST', '/api/v1/events', { eventType: clearType, payload: { note: payloadMarker }, headers: { 'X-Marker': headerMarker } }, { 'x-idempotency-key': randomUUID() });
    expect(sent.status).toBe(201);

    const secret = randomBytes(20).toString('hex');
    const ib = (await call('POST', '/api/v1/inbound-endpoints', { name: 'in', pathSuffix: `s-${randomBytes(5).toString('hex')}`, source: 'github', sourceConfig: { secret }, eventTypeMapping: '$.headers.X-GitHub-Event' })).body as { id: string; pathSuffix: string };
    const body = JSON.stringify({ ref: inboundBodyMarker });
    const inboundQueryMarker = mark('inbound-query');
    const received = await fetch(`${env.url}/inbound/${ib.pathSuffix}?ref=${inboundQueryMarker}`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': await githubSign(secret, body), 'x-custom': inboundHeaderMarker },
    });
    expect(received.status).toBe(202);

    // Delivered in clear, and read back in clear through the API (opened in memory only).
    await sink.waitFor((r) => r.some((x) => x.body.includes(payloadMarker) && x.headers['x-marker'] === headerMarker) && r.some((x) => x.body.includes(inboundBodyMarker)));
    const event = await eventually(async () => {
      const e = (await call('GET', `/api/v1/events/${sent.body.id}`)).body;
      return e?.status === 'delivered' ? e : null;
    });
    expect(event.payload).toEqual({ note: payloadMarker });
    expect(event.headers).toMatchObject({ 'X-Marker': headerMarker });
    const attempts = (await call('GET', `/api/v1/events/${sent.body.id}/deliveries`)).body.deliveries as Array<{ responseBody: string }>;
    expect(attempts[0]!.responseBody).toBe(`thanks ${responseMarker}`);
    const requests = await eventually(async () => {
      const data = (await call('GET', `/api/v1/inbound-endpoints/${ib.id}/requests`)).body.data as Array<{ body: string; url: string; headers: Record<string, string> }>;
      return data.length > 0 ? data : null;
    });
    expect(requests[0]!.body).toBe(body);
    expect(requests[0]!.headers['x-custom']).toBe(inboundHeaderMarker);
    expect(requests[0]!.url).toContain(`?ref=${inboundQueryMarker}`);

    // A dead event edited and replayed: the edit and the replay each carry the new payload and headers.
    const editMarker = mark('edited-payload');
    const editHeaderMarker = mark('edited-header');
    const dead = await call('POST', '/api/v1/events', { destination: `${sinkUrl}/refuse`, payload: { n: 1 }, maxAttempts: 1 }, { 'x-idempotency-key': randomUUID() });
    await eventually(async () => ((await call('GET', `/api/v1/events/${dead.body.id}`)).body?.status === 'dead' ? true : null));
    const edited = await call('PATCH', `/api/v1/events/${dead.body.id}`, { destination: `${sinkUrl}/fixed`, payload: { note: editMarker }, headers: { 'X-Marker': editHeaderMarker }, replay: true });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    await sink.waitFor((r) => r.some((x) => x.body.includes(editMarker) && x.headers['x-marker'] === editHeaderMarker));

    const { urlMarker, customHeaderMarker } = await endpointWithCredentials(call);
    const { destinationMarker, editedMarker } = await directWithCredentials(call);
    const { pollMarker } = await pollWithCredentials(call);

    await checkpoint();
    const found = await scan([...kafkaLogDirs, pgDataDir], [clearType, payloadMarker, headerMarker, responseMarker, inboundBodyMarker, inboundHeaderMarker, editMarker, editHeaderMarker,
      urlMarker, customHeaderMarker, inboundQueryMarker, destinationMarker, editedMarker, pollMarker]);
    // The positive control: the scanner does find what is meant to stay clear, in both stores.
    expect(found[clearType]!.some((f) => kafkaLogDirs.some((d) => f.startsWith(d)))).toBe(true);
    expect(found[clearType]!.some((f) => f.startsWith(pgDataDir))).toBe(true);
    expect({ ...found, [clearType]: [] }).toEqual(Object.fromEntries(Object.keys(found).map((m) => [m, []])));
  }, 240_000);

  it('destroy(accountId) erases a workspace: its records are skipped (counted, not set aside) and its wrapped key leaves the topic\'s files', async () => {
    const gone = await signup(env.url);
    const kept = await signup(env.url);
    const send = (apiKey: string, note: string) =>
      api(env.url, apiKey)('POST', '/api/v1/events', { destination: `${sinkUrl}/direct`, payload: { note } }, { 'x-idempotency-key': randomUUID() });
    const goneMarker = mark('gone');
    const keptMarker = mark('kept');
    const goneEvent = (await send(gone.apiKey, goneMarker)).body as { id: string };
    await send(kept.apiKey, keptMarker);
    await sink.waitFor((r) => r.some((x) => x.body.includes(goneMarker)) && r.some((x) => x.body.includes(keptMarker)));
    const dataKeys = env.mittr.dataKeys;
    expect(dataKeys.ring.keyIds(gone.id)).toHaveLength(1);
    const topicDirs = () => kafkaLogDirs.map((d) => join(d, `${env.config.topicPrefix}data-keys-0`));
    // The wrapped key's record is there (its key names the account, in clear) before the erasure.
    expect((await scan(topicDirs(), [gone.id]))[gone.id]!.length).toBeGreaterThan(0);

    await dataKeys.destroy(gone.id);
    expect(dataKeys.ring.keyIds(gone.id)).toEqual([]);
    expect((await api(env.url, gone.apiKey)('GET', `/api/v1/events/${goneEvent.id}`)).status).toBe(404);

    // A process that starts now (a fresh serde and key store) reads the events topic: the erased
    // workspace's record is skipped and counted, not answered as undecodable; the other still opens.
    const kafka = new Kafka({ brokers: env.config.kafkaBrokers, logLevel: logLevel.NOTHING });
    const serde = new Serde(env.config.registryUrl);
    await serde.registerAll();
    const fresh = new DataKeys(kafka, serde, `${env.config.topicPrefix}data-keys`, env.config.masterKeys);
    await fresh.start();
    const skippedBefore = erasedRecordsSkipped();
    const consumer = kafka.consumer({ groupId: `erasure-check-${randomUUID()}` });
    const notes: string[] = [];
    const sealedNotes: Array<{ accountId: string; payload: string }> = [];
    const reader = serde.sealedReader([]);
    let undecodable = 0;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [`${env.config.topicPrefix}events`], fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          const decoded = await decodeBatch(serde, batch);
          undecodable += decoded.undecodable.length;
          for (const m of decoded.records) if (m.event.type === 'EventAccepted') notes.push(m.event.payload);
          // The projectors' reader: fields left sealed, the erased workspace's record skipped all the same.
          const kept = await decodeBatch(reader, batch);
          undecodable += kept.undecodable.length;
          for (const m of kept.records) if (m.event.type === 'EventAccepted') sealedNotes.push(m.event);
        },
      });
      await eventually(async () => notes.some((n) => n.includes(keptMarker)) && erasedRecordsSkipped() > skippedBefore, 30_000);
    } finally {
      await consumer.disconnect();
      await fresh.stop();
    }
    expect(notes.some((n) => n.includes(goneMarker))).toBe(false);
    expect(sealedNotes.some((e) => e.accountId === gone.id)).toBe(false);
    expect(sealedNotes.some((e) => e.accountId === kept.id && e.payload.startsWith('mittr:sealed:'))).toBe(true);
    expect(undecodable).toBe(0);

    // The cleaner drops the wrapped key and then its tombstone (destroy nudges it): bounded wait.
    await eventually(async () => (await scan(topicDirs(), [gone.id]))[gone.id]!.length === 0, 150_000, 2_000);
    expect(dataKeys.ring.keyIds(kept.id)).toHaveLength(1);
  }, 240_000);
});
