import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../services/platform/config/config.ts';
import { freePort, isolatedChildEnv, MittrChild } from './support/child.ts';
import { api, dropIsolation, eventually, groupMembers, signup } from './support/mittr.ts';
import { RecordingSink, type Received } from './support/sink.ts';
import { mulberry32 } from './support/prng.ts';

/**
 * FIFO under faults: mittr runs as child processes, a FIFO endpoint keyed by `$.data.customerId`
 * receives events of many keys while 30% of attempts fail; then either the process is SIGKILLed
 * and restarted, or a second process joins the consumer groups (a rebalance). The invariant a FIFO
 * receiver relies on, checked on every single attempt the sink sees: event n of a key is only
 * attempted once events 1..n-1 of that key have each been answered 2xx at least once. Redelivery
 * of an already-acknowledged event (at-least-once after a crash) does not break it; sending n+1
 * before n succeeded does. And every accepted event arrives.
 */

const KEYS = 20;
const PER_KEY = 25;
const FAILURE_RATE = 0.3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The FIFO receiver: answers with injected failures and checks order on every attempt. */
class FifoReceiver {
  readonly sink = new RecordingSink();
  /** key -> the seqs answered 2xx at least once. */
  readonly acked = new Map<string, Set<number>>();
  readonly violations: string[] = [];
  attempts = 0;
  failures = 0;
  private readonly rand = mulberry32(7);
  /** While closed, answers wait (the attempt stays in flight); checks are made on arrival. */
  private gate: Promise<void> = Promise.resolve();
  private openGate: () => void = () => undefined;

  hold(): void {
    this.gate = new Promise((r) => (this.openGate = r));
  }
  release(): void {
    this.openGate();
  }

  constructor() {
    this.sink.responder = async (r: Received) => {
      const { key, seq } = JSON.parse(r.body) as { key: string; seq: number };
      this.attempts++;
      const acked = this.acked.get(key) ?? new Set<number>();
      this.acked.set(key, acked);
      for (let s = 0; s < seq; s++) {
        if (!acked.has(s)) {
          this.violations.push(`${key}: seq ${seq} attempted before seq ${s} succeeded`);
          break;
        }
      }
      await this.gate;
      if (this.rand() < FAILURE_RATE) {
        this.failures++;
        return { status: 503, body: 'injected' };
      }
      acked.add(seq);
      return { status: 200, body: 'OK' };
    };
  }

  ackedCount(): number {
    let n = 0;
    for (const s of this.acked.values()) n += s.size;
    return n;
  }
}

type Run = { children: MittrChild[]; config?: Config; receiver: FifoReceiver; passed: boolean };

async function setup(run: Run): Promise<{ child: MittrChild; env: Record<string, string>; call: ReturnType<typeof api>; sinkUrl: string }> {
  const sinkUrl = await run.receiver.sink.start();
  // Six partitions, so a joining process really takes some of them over.
  const isolated = await isolatedChildEnv({ KAFKA_PARTITIONS: '6' });
  run.config = isolated.config;
  const child = new MittrChild(isolated.env);
  run.children.push(child);
  child.spawn();
  await child.waitHealthy(90_000);
  const call = api(child.url, (await signup(child.url)).apiKey);
  const ep = await call('POST', '/api/v1/endpoints', {
    url: `${sinkUrl}/fifo`, eventTypes: ['order.*'], fifo: true, fifoPartitionKey: '$.data.key',
    retryBackoffMs: 100, retryBackoffMax: 400, maxRetries: 25,
    // 30% failures across 20 keys sometimes make 5 in a row: the breaker (tested on its own) would
    // then hold everything for circuitResetMs. Here only order and loss are under test.
    circuitThreshold: 0,
  });
  expect(ep.body).toMatchObject({ fifo: true });
  return { child, env: isolated.env, call, sinkUrl };
}

/** Sends seq 0..PER_KEY-1 of every key, interleaved, each POST answered 201 before the next. */
async function sendAll(call: ReturnType<typeof api>, runId: string, onSent: (n: number) => Promise<void> = async () => undefined): Promise<void> {
  let n = 0;
  for (let seq = 0; seq < PER_KEY; seq++) {
    for (let k = 0; k < KEYS; k++) {
      const res = await call('POST', '/api/v1/events', { eventType: 'order.updated', payload: { key: `k${k}`, seq } },
        { 'x-idempotency-key': `${runId}-k${k}-${seq}` });
      if (res.status !== 201) throw new Error(`event ${n} answered ${res.status}: ${JSON.stringify(res.body)}`);
      await onSent(++n);
    }
  }
}

async function allAcked(run: Run, timeoutMs: number): Promise<void> {
  await run.receiver.sink.waitFor(() => run.receiver.ackedCount() === KEYS * PER_KEY, timeoutMs).catch((err: unknown) => {
    const missing: string[] = [];
    for (let k = 0; k < KEYS; k++) {
      const acked = run.receiver.acked.get(`k${k}`) ?? new Set();
      const first = Array.from({ length: PER_KEY }, (_, s) => s).find((s) => !acked.has(s));
      if (first !== undefined) missing.push(`k${k} from seq ${first}`);
    }
    throw new Error(`${String(err)}; not acknowledged: ${missing.join(', ')}`);
  });
}

function report(name: string, run: Run, extra: Record<string, unknown> = {}): void {
  const r = run.receiver;
  console.log(`fifo chaos (${name}): ${JSON.stringify({ events: KEYS * PER_KEY, attempts: r.attempts, injectedFailures: r.failures, violations: r.violations.length, ...extra })}`);
}

describe('FIFO order under failures, a SIGKILL and a rebalance', () => {
  let run: Run;
  const fresh = (): Run => (run = { children: [], receiver: new FifoReceiver(), passed: false });

  afterEach(async () => {
    if (!run.passed) for (const c of run.children) console.error(`mittr child ${c.url} output (tail):\n${c.tail(60)}`);
    for (const c of run.children) await c.kill('SIGKILL');
    await run.receiver.sink.stop();
    if (run.config) await dropIsolation(run.config);
  });

  it('keeps every key in order and loses nothing when the process is SIGKILLed mid-run and restarted', async () => {
    fresh();
    const { child, call } = await setup(run);
    const runId = `kill-${Date.now()}`;
    // Answers wait until everything is accepted, so the kill lands mid-sequence for every key.
    run.receiver.hold();
    try {
      await sendAll(call, runId);
    } finally {
      run.receiver.release();
    }
    // Kill once about a third is acknowledged: keys are mid-sequence, retries are in flight.
    await run.receiver.sink.waitFor(() => run.receiver.ackedCount() >= (KEYS * PER_KEY) / 3, 90_000);
    const ackedAtKill = run.receiver.ackedCount();
    await child.kill('SIGKILL');
    await sleep(300);
    child.spawn();
    await child.waitHealthy(90_000);
    await allAcked(run, 120_000);
    report('SIGKILL', run, { ackedAtKill });
    expect(run.receiver.violations).toEqual([]);
    expect(run.receiver.failures).toBeGreaterThan(0);
    run.passed = true;
  }, 300_000);

  it('keeps every key in order and loses nothing when a second process joins mid-run (rebalance)', async () => {
    fresh();
    const { env, call } = await setup(run);
    const runId = `join-${Date.now()}`;
    const second = new MittrChild({ ...env, PORT: String(await freePort()) });
    run.children.push(second);
    let joinedAtAcked = -1;
    await sendAll(call, runId, async (n) => {
      // Halfway through sending, a second `mittr all` joins every consumer group.
      if (n === (KEYS * PER_KEY) / 2) {
        joinedAtAcked = run.receiver.ackedCount();
        second.spawn();
        await second.waitHealthy(90_000);
      }
    });
    // The second process really took part: the engine group settled with two members.
    await eventually(async () => (await groupMembers(run.config!, 'engine.fifo')) === 2 || undefined, 60_000, 500);
    await allAcked(run, 150_000);
    report('rebalance', run, { joinedAtAcked });
    expect(second.running).toBe(true);
    expect(await groupMembers(run.config!, 'engine.fifo')).toBe(2);
    expect(run.receiver.violations).toEqual([]);
    expect(run.receiver.failures).toBeGreaterThan(0);
    run.passed = true;
  }, 300_000);
});
