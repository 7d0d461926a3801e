/**
 * The benchmark's load generator, in its own process. One JSON argument says what to do; the
 * result is written as JSON to `out` (the harness reads it), progress goes to stderr.
 *
 *   single  autocannon: POST /api/v1/events for `durationSec` over `connections`, a unique
 *           X-Idempotency-Key per request (setupRequest with a counter)
 *   batch   autocannon: POST /api/v1/events/batch, `batchSize` events per request, unique keys
 *   bulk    undici: `total` events in batches of `batchSize`, `concurrency` batches in flight,
 *           round-robin over `destinations` sink paths; records every event's id and createdAt
 *   paced   undici: `ratePerSec` events/s for `durationSec`, as batches of `batchSize` sent on a
 *           fixed schedule (batch k at t0 + k·interval), at most `maxInFlight` requests open;
 *           records every event's id and createdAt
 *   typed   undici: POST /api/v1/events with an `eventType` (fan-out to endpoints) for each of
 *           `eventTypes` × `keys` × `perKey`, payload {key, seq}; `concurrency` workers each own
 *           a disjoint set of keys and send a key's events one after another (seq 0, 1, ...), so
 *           the order mittr accepts them in is the order a FIFO receiver must see; records ids
 *
 *   inbound autocannon: POST `inboundPath` for `durationSec` over `connections`, each request a
 *           fresh Stripe event signed with `stripeSecret` by the stripe SDK (a flood of providers)
 *
 * Every loop is bounded by a count and a deadline.
 */
import { writeFileSync } from 'node:fs';
import { runAutocannon } from './load/autocannon.ts';
import { runBulk, runPaced } from './load/batches.ts';
import { runInbound } from './load/inbound.ts';
import { runTyped } from './load/typed.ts';
import type { LoadArgs, LoadResult } from './load/types.ts';

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '{}') as LoadArgs;
  let result: LoadResult;
  switch (a.mode) {
    case 'single': case 'batch': result = await runAutocannon(a); break;
    case 'bulk': result = await runBulk(a); break;
    case 'paced': result = await runPaced(a); break;
    case 'typed': result = await runTyped(a); break;
    case 'inbound': result = await runInbound(a); break;
    default: throw new Error(`loadgen: unknown mode ${String(a.mode)}`);
  }
  const cpu = process.cpuUsage();
  result.self = { cpuSec: Math.round((cpu.user + cpu.system) / 1e5) / 10, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  writeFileSync(a.out, JSON.stringify(result));
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error('loadgen failed:', err);
  process.exit(1);
});
