import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../services/platform/config/config.ts';
import { isolatedChildEnv, MittrChild } from '../support/child.ts';
import { api, dropIsolation, eventually, signup } from '../support/mittr.ts';
import { RecordingSink, type Answer, type Received } from '../support/sink.ts';

/**
 * No loss under faults (npm run test:chaos). mittr runs as a child process under a steady load of
 * events to six receivers, each misbehaving in its own way, while the suite SIGKILLs mittr and
 * restarts it, stops and restarts the Kafka broker, and stops and restarts Postgres. While a
 * dependency is down the API must answer 503 `{error, code}` (never a 500, never a hang) and
 * recover by itself. At the end every accepted event (answered 201) is accounted for: delivered
 * or dead, and never lost; duplicates are counted.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The receivers: the event type each endpoint subscribes to, and how it answers. */
const RECEIVERS = ['ok', 'slow', 'hang', 'reset', 'busy', 'gone'] as const;
type Receiver = (typeof RECEIVERS)[number];
/** Accepted events at most, and the longest the load runs: every load loop is bounded. */
const MAX_EVENTS = 4_000;
const MAX_LOAD_MS = 150_000;

async function stack(action: 'stop' | 'start', part: 'kafka' | 'postgres'): Promise<void> {
  await run('bash', [join(ROOT, 'scripts', 'stack'), action, part], { timeout: 180_000 });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
    s.setTimeout(1_000, () => { s.destroy(); resolve(false); });
  });
}

/** Records not yet consumed, per consumer group of the run (what is stuck, if anything is). */
async function lagByGroup(config: Config): Promise<Record<string, number>> {
  const admin = new Kafka({ brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const out: Record<string, number> = {};
    const { groups } = await admin.listGroups();
    for (const g of groups.filter((x) => x.groupId.startsWith(config.topicPrefix))) {
      let lag = 0;
      for (const t of await admin.fetchOffsets({ groupId: g.groupId })) {
        const ends = new Map((await admin.fetchTopicOffsets(t.topic)).map((p) => [p.partition, Number(p.high)]));
        for (const p of t.partitions) lag += Math.max(0, (ends.get(p.partition) ?? 0) - Math.max(0, Number(p.offset)));
      }
      out[g.groupId.slice(config.topicPrefix.length)] = lag;
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

type Reply = { status: number; body: { error?: unknown; code?: unknown; id?: string } | null; ms: number };

describe('no accepted event is lost: SIGKILL, Kafka and Postgres restarts, misbehaving receivers', () => {
  const sink = new RecordingSink();
  let sinkUrl: string;
  let child: MittrChild;
  let config: Config;
  let passed = false;
  /** Attempts per event id at each receiver, to answer "first attempt misbehaves, then succeed". */
  const attemptsOf = new Map<string, number>();
  /** 2xx receipts per event id. */
  const okReceipts = new Map<string, number>();

  beforeAll(async () => {
    sinkUrl = await sink.start();
    sink.responder = (r: Received): Answer | Promise<Answer> => {
      const id = String(r.headers['x-mittr-event-id'] ?? '');
      const n = (attemptsOf.get(id) ?? 0) + 1;
      attemptsOf.set(id, n);
      const receiver = r.url.slice(1) as Receiver;
      let answer: Answer = { status: 200, body: 'OK' };
      if (receiver === 'gone') answer = { status: 410, body: 'gone' };
      else if (n === 1 && receiver === 'hang') answer = { status: 0, hang: true };
      else if (n === 1 && receiver === 'reset') answer = { status: 0, reset: true };
      else if (n === 1 && receiver === 'busy') answer = { status: 429, headers: { 'retry-after': '1' } };
      if (answer.status >= 200 && answer.status < 300) okReceipts.set(id, (okReceipts.get(id) ?? 0) + 1);
      if (receiver === 'slow') return new Promise<Answer>((resolve) => setTimeout(() => resolve(answer), 300));
      return answer;
    };
  });
  afterAll(async () => {
    if (!passed && child) console.error(`mittr child output (tail):\n${child.tail(80)}`);
    // Whatever happened, the stack is whole again for whatever runs next.
    await stack('start', 'kafka').catch(() => undefined);
    await stack('start', 'postgres').catch(() => undefined);
    await child?.kill('SIGKILL');
    await sink.stop();
    if (config) await dropIsolation(config).catch(() => undefined);
  });

  it('accounts for every accepted event as delivered or dead, with the API answering 503 while a dependency is down', async () => {
    // Errors only: the expected 'dependency unavailable' warnings would bury them.
    const isolated = await isolatedChildEnv({ MITTR_LOG_LEVEL: 'error' });
    config = isolated.config;
    const logFile = join(tmpdir(), `mittr-chaos-${isolated.config.databaseSchema}.log`);
    child = new MittrChild(isolated.env, logFile);
    console.log(`chaos: mittr output in ${logFile}`);
    child.spawn();
    await child.waitHealthy(90_000);
    const account = await signup(child.url);
    const call = api(child.url, account.apiKey);
    for (const receiver of RECEIVERS) {
      const ep = await call('POST', '/api/v1/endpoints', {
        url: `${sinkUrl}/${receiver}`, eventTypes: [`chaos.${receiver}`],
        timeoutMs: 1_000, retryBackoffMs: 200, retryBackoffMax: 2_000, maxRetries: 25, circuitThreshold: 0,
      });
      expect(ep.body).toMatchObject({ url: `${sinkUrl}/${receiver}` });
    }

    // The load: 4 senders, each POSTing one event at a time, receivers in turn. Every answer is
    // kept: 201 (accepted), 503 {error, code} (a dependency is down), a refused connection
    // (mittr itself is down); anything else is a failure of the test.
    const accepted = new Map<string, Receiver>();
    /** Ids learnt from a 409 (an earlier try was written after its 503) rather than a 201. */
    const viaConflict = new Set<string>();
    const unexpected: string[] = [];
    const unavailable: Reply[] = [];
    let refused = 0;
    let stopLoad = false;
    let seq = 0;
    const post = async (receiver: Receiver, key: string): Promise<Reply | null> => {
      const t0 = Date.now();
      try {
        const res = await fetch(`${child.url}/api/v1/events`, {
          method: 'POST', signal: AbortSignal.timeout(30_000),
          headers: { 'content-type': 'application/json', 'x-api-key': account.apiKey, 'x-idempotency-key': key },
          body: JSON.stringify({ eventType: `chaos.${receiver}`, payload: { key } }),
        });
        const text = await res.text();
        let body: Reply['body'] = null;
        try { body = JSON.parse(text) as Reply['body']; } catch { /* kept as null */ }
        return { status: res.status, body, ms: Date.now() - t0 };
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        if (cause === 'ECONNREFUSED' || cause === 'ECONNRESET' || cause === 'UND_ERR_SOCKET') { refused++; return null; }
        unexpected.push(`POST failed after ${Date.now() - t0} ms: ${String(err)}`);
        return null;
      }
    };
    const sender = async (w: number) => {
      const deadline = Date.now() + MAX_LOAD_MS;
      while (!stopLoad && accepted.size < MAX_EVENTS && Date.now() < deadline) {
        const n = seq++;
        const receiver = RECEIVERS[n % RECEIVERS.length]!;
        const key = `chaos-${w}-${n}`;
        // A 503 or a refused connection is retried with the same idempotency key, as a client would.
        for (let tries = 0; tries < 100 && !stopLoad; tries++) {
          const reply = await post(receiver, key);
          if (reply?.status === 201 && reply.body?.id) { accepted.set(reply.body.id, receiver); break; }
          if (reply?.status === 409 && reply.body?.code === 'CONFLICT') {
            // An earlier try was written after its 503: the conflict names the original event.
            const id = String((reply.body as { eventId?: unknown }).eventId ?? '');
            if (id) { accepted.set(id, receiver); viaConflict.add(id); }
            break;
          }
          if (reply?.status === 503) unavailable.push(reply);
          else if (reply) unexpected.push(`POST answered ${reply.status}: ${JSON.stringify(reply.body)}`);
          await sleep(reply ? 250 : 500);
        }
        await sleep(20);
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(sender));
    const waitAccepted = async (more: number, timeoutMs: number) => {
      const target = accepted.size + more;
      const deadline = Date.now() + timeoutMs;
      while (accepted.size < target) {
        if (Date.now() > deadline) throw new Error(`load: ${more} more events not accepted within ${timeoutMs} ms (recovery failed?)`);
        await sleep(100);
      }
    };
    const timeline: Record<string, number> = {};
    const t0 = Date.now();

    // 1. SIGKILL mittr mid-run, restart it.
    await waitAccepted(200, 60_000);
    await child.kill('SIGKILL');
    timeline.killedAt = Date.now() - t0;
    await sleep(1_000);
    child.spawn();
    await child.waitHealthy(90_000);
    timeline.restartedAt = Date.now() - t0;
    await waitAccepted(200, 90_000);

    // 2. Kafka goes away: the API answers 503 {error, code} promptly and recovers by itself.
    await stack('stop', 'kafka');
    expect(await portOpen(9092)).toBe(false);
    timeline.kafkaStoppedAt = Date.now() - t0;
    // /health answers a round of probes at most 2 s old (services/platform/http/health.ts).
    const stoppedAt = Date.now();
    const health = await eventually(async () => {
      const res = await fetch(`${child.url}/health`, { signal: AbortSignal.timeout(15_000) });
      return res.status === 503 ? res : undefined;
    }, 20_000, 200);
    expect(Date.now() - stoppedAt).toBeLessThan(2_000 + 2_000 + 1_000); // staleness + the round's 2 s probe timeout + polling
    expect(await health.json()).toMatchObject({ status: 'degraded', checks: { kafka: { status: 'down' } } });
    const before = unavailable.length;
    const deadline = Date.now() + 40_000;
    while (unavailable.length === before && Date.now() < deadline) await sleep(200);
    expect(unavailable.length).toBeGreaterThan(before);
    await sleep(3_000);
    await stack('start', 'kafka');
    timeline.kafkaStartedAt = Date.now() - t0;
    await waitAccepted(200, 150_000);
    timeline.kafkaRecoveredAt = Date.now() - t0;

    // 3. Postgres goes away: reads and commands that need it answer 503, then recover.
    await stack('stop', 'postgres');
    if (await portOpen(5432)) throw new Error('Postgres still answers: the chaos suite needs a Postgres that scripts/stack started (it stops only what it started)');
    timeline.postgresStoppedAt = Date.now() - t0;
    const list = await fetch(`${child.url}/api/v1/events?limit=5`, { headers: { 'x-api-key': account.apiKey }, signal: AbortSignal.timeout(20_000) });
    expect(list.status).toBe(503);
    expect(await list.json()).toMatchObject({ error: expect.any(String), code: 'SERVICE_UNAVAILABLE' });
    await sleep(5_000);
    await stack('start', 'postgres');
    timeline.postgresStartedAt = Date.now() - t0;
    await waitAccepted(200, 120_000);
    timeline.postgresRecoveredAt = Date.now() - t0;

    stopLoad = true;
    await load;
    timeline.loadStoppedAt = Date.now() - t0;

    // Every 503 was a well-formed {error, code} answered without hanging.
    expect(unexpected).toEqual([]);
    for (const r of unavailable) {
      expect(r.body).toMatchObject({ error: expect.any(String), code: 'SERVICE_UNAVAILABLE' });
      expect(r.ms).toBeLessThan(20_000);
    }

    // The end: every accepted event settles as delivered (dead for the receiver that answers 410).
    const statusOf = new Map<string, string>();
    const settleDeadline = Date.now() + 240_000;
    for (;;) {
      statusOf.clear();
      let cursor: string | null = null;
      for (let page = 0; page < MAX_EVENTS / 100 + 10; page++) {
        const res = await call('GET', `/api/v1/events?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        if (res.status !== 200) break;
        for (const e of res.body.data as Array<{ id: string; status: string }>) statusOf.set(e.id, e.status);
        cursor = res.body.pagination.cursor;
        if (!res.body.pagination.hasMore || !cursor) break;
      }
      const settled = [...accepted].every(([id, receiver]) => statusOf.get(id) === (receiver === 'gone' ? 'dead' : 'delivered'));
      if (settled || Date.now() > settleDeadline) break;
      await sleep(2_000);
    }
    const tally = { accepted: accepted.size, delivered: 0, dead: 0, lost: 0, other: 0, duplicates: 0 };
    const wrong: string[] = [];
    for (const [id, receiver] of accepted) {
      const status = statusOf.get(id);
      if (status === 'delivered') tally.delivered++;
      else if (status === 'dead') tally.dead++;
      else if (status === undefined) tally.lost++;
      else tally.other++;
      const expected = receiver === 'gone' ? 'dead' : 'delivered';
      if (status !== expected && wrong.length < 10) wrong.push(`${id} (${receiver}): ${status ?? 'missing'}`);
      // Delivered means the receiver answered 2xx at least once.
      if (receiver !== 'gone' && status === 'delivered' && !okReceipts.has(id)) wrong.push(`${id} (${receiver}): delivered but never answered 2xx`);
      tally.duplicates += Math.max(0, (okReceipts.get(id) ?? 0) - 1);
    }
    const receivedOk = [...accepted.keys()].filter((id) => okReceipts.has(id)).length;
    const lostViaConflict = [...accepted.keys()].filter((id) => viaConflict.has(id) && !statusOf.has(id)).length;
    console.log(`chaos: ${JSON.stringify({ ...tally, receivedOk, viaConflict: viaConflict.size, lostViaConflict, unavailable503: unavailable.length, refusedWhileDown: refused, timelineMs: timeline })}`);
    if (tally.lost > 0 || tally.other > 0) console.log(`chaos: consumer lag per group ${JSON.stringify(await lagByGroup(config))}`);
    expect(tally.lost).toBe(0);
    expect(wrong).toEqual([]);
    expect(tally.delivered + tally.dead).toBe(accepted.size);
    expect(tally.dead).toBe([...accepted.values()].filter((r) => r === 'gone').length);
    passed = true;
  }, 900_000);
});
