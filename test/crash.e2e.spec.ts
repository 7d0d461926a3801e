import { describe, expect, it } from 'vitest';
import { childWithSink } from './support/child.ts';
import { api, eventually, signup } from './support/mittr.ts';
import type { Received } from './support/sink.ts';

const TOTAL = 2_000;
const PER_BATCH = 100;
/** The child is killed once the sink has received this share of the accepted events. */
const KILL_AT = 0.4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts receipts per X-Mittr-Event-ID incrementally (the sink's list only grows). */
class ReceiptCounter {
  readonly counts = new Map<string, number>();
  readonly seqOf = new Map<string, unknown>();
  private seen = 0;
  update(received: Received[]): this {
    for (; this.seen < received.length; this.seen++) {
      const r = received[this.seen]!;
      const id = String(r.headers['x-mittr-event-id'] ?? '');
      this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
      try { this.seqOf.set(id, (JSON.parse(r.body) as { seq?: unknown }).seq); } catch { this.seqOf.set(id, undefined); }
    }
    return this;
  }
  coveredAll(ids: Iterable<string>): boolean {
    for (const id of ids) if (!this.counts.has(id)) return false;
    return true;
  }
}

describe('crash safety: SIGKILL mid-delivery, restart, nothing lost', () => {
  const run = childWithSink();
  const { sink } = run;

  it('delivers every accepted event after a SIGKILL and a restart, with bounded duplicates, and projects them delivered', async () => {
    const { child: c, bootMs } = await run.start();
    const sinkUrl = run.sinkUrl();
    const account = await signup(c.url);
    const call = api(c.url, account.apiKey);

    // The sink holds its answers until every batch is sent, then answers each in 5-20 ms: the kill
    // lands while deliveries are in flight, at a point that does not depend on the send rate.
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    sink.responder = async () => {
      await gate;
      await sleep(5 + Math.floor(Math.random() * 16));
      return { status: 200, body: 'OK' };
    };

    const runId = Math.random().toString(36).slice(2, 10);
    /** Accepted event id -> the sequence number its payload carries. */
    const accepted = new Map<string, number>();
    try {
      for (let b = 0; b < TOTAL / PER_BATCH; b++) {
        const items = Array.from({ length: PER_BATCH }, (_, i) => {
          const seq = b * PER_BATCH + i;
          return { idempotencyKey: `crash-${runId}-${seq}`, destination: `${sinkUrl}/hooks`, payload: { seq, runId } };
        });
        const res = await call('POST', '/api/v1/events/batch', { events: items });
        if (res.status !== 201) throw new Error(`batch ${b} answered ${res.status}: ${JSON.stringify(res.body)}`);
        (res.body.events as Array<{ id: string; idempotencyKey: string }>).forEach((e, i) => {
          expect(e.idempotencyKey).toBe(items[i]!.idempotencyKey);
          accepted.set(e.id, items[i]!.payload.seq);
        });
      }
    } finally {
      openGate();
    }
    expect(accepted.size).toBe(TOTAL);

    // Kill once ~40% reached the sink.
    const killAt = Math.ceil(accepted.size * KILL_AT);
    await sink.waitFor((r) => r.length >= killAt, 60_000);
    const killedAt = Date.now();
    await c.kill('SIGKILL');
    expect(c.running).toBe(false);
    await sleep(500); // what the dead process wrote to its sockets is read by the sink now
    const beforeKill = new ReceiptCounter().update(sink.received);
    const receiptsBeforeKill = sink.received.length;
    // One process lifetime never delivers an event twice.
    expect([...beforeKill.counts.values()].filter((n) => n > 1)).toHaveLength(0);

    // Restart with the same environment (same topics, schema, port).
    c.spawn();
    const restartedAt = Date.now();
    const healthyAfterMs = await c.waitHealthy(90_000);
    const counter = new ReceiptCounter();
    await sink.waitFor((r) => counter.update(r).coveredAll(accepted.keys()), Math.max(10_000, 120_000 - (Date.now() - restartedAt)))
      .catch((err: unknown) => {
        const missing = [...accepted].filter(([id]) => !counter.counts.has(id)).map(([, seq]) => seq);
        throw new Error(`${String(err)}; ${missing.length} accepted events never reached the sink (seq ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', ...' : ''})`);
      });
    const recoveredMs = Date.now() - restartedAt;
    const killToAllMs = Date.now() - killedAt;
    await sleep(1_000); // late redeliveries, if any, are counted too
    counter.update(sink.received);

    const lost = [...accepted.keys()].filter((id) => !counter.counts.has(id));
    const duplicates = [...accepted.keys()].filter((id) => (counter.counts.get(id) ?? 0) > 1);
    const unexpected = [...counter.counts.keys()].filter((id) => !accepted.has(id));
    const wrongPayload = [...accepted].filter(([id, seq]) => counter.seqOf.get(id) !== seq);
    const stats = {
      accepted: accepted.size, receivedUnique: counter.counts.size, receipts: sink.received.length,
      receiptsBeforeKill, uniqueBeforeKill: beforeKill.counts.size, duplicates: duplicates.length,
      maxReceiptsPerEvent: Math.max(...counter.counts.values()),
      bootMs, restartHealthyMs: healthyAfterMs, recoverAllMs: recoveredMs, killToAllMs,
    };
    console.log(`crash test: ${JSON.stringify(stats)}`);

    expect(lost).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(wrongPayload).toEqual([]);
    // Only what was fetched but not committed at the kill is sent again: a subset of what the dead
    // process had delivered, each at most once more.
    expect(duplicates.length).toBeLessThan(accepted.size / 2);
    expect(duplicates.length).toBeLessThanOrEqual(beforeKill.counts.size);
    expect(duplicates.every((id) => beforeKill.counts.has(id))).toBe(true);
    expect(stats.maxReceiptsPerEvent).toBeLessThanOrEqual(2);

    // The restarted process's API shows every accepted event as delivered.
    const t0 = Date.now();
    const delivered = new Set<string>();
    await eventually(async () => {
      delivered.clear();
      let cursor: string | null = null;
      for (let page = 0; page < 2 * TOTAL / 100 + 5; page++) {
        const res = await call('GET', `/api/v1/events?status=delivered&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        if (res.status !== 200) throw new Error(`list answered ${res.status}`);
        for (const e of res.body.data as Array<{ id: string }>) delivered.add(e.id);
        cursor = res.body.pagination.cursor;
        if (!res.body.pagination.hasMore || !cursor) break;
      }
      return [...accepted.keys()].every((id) => delivered.has(id));
    }, 60_000, 1_000).catch(async (err: unknown) => {
      const missing = [...accepted.keys()].filter((id) => !delivered.has(id));
      const sample = await Promise.all(missing.slice(0, 5).map(async (id) => {
        const r = await call('GET', `/api/v1/events/${id}`);
        return { id, status: r.status, state: r.body?.status, attempts: r.body?.deliveryAttempts?.length };
      }));
      throw new Error(`${String(err)}; ${missing.length} accepted events not delivered in the API, e.g. ${JSON.stringify(sample)}`);
    });
    console.log(`crash test: API shows all ${accepted.size} delivered ${Date.now() - t0} ms after the sink had them all`);
    expect([...accepted.keys()].filter((id) => !delivered.has(id))).toEqual([]);
    run.passed();
  }, 175_000);
});
