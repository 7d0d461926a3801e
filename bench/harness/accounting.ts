/** Delivery accounting: what the load generator got accepted against what the sink received. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadResult } from '../load/types.ts';
import { DESTINATIONS } from './config.ts';
import type { Env } from './env.ts';

export type Dump = { ids: string[]; at: number[]; path: number[] };

export function deliveries(load: LoadResult, dump: Dump) {
  const ids = load.ids ?? [];
  const createdAt = load.createdAt ?? [];
  const accepted = new Set(ids);
  const first = new Map<string, number>();
  let duplicates = 0;
  let unexpected = 0;
  const perPath = new Array<number>(DESTINATIONS).fill(0);
  for (let i = 0; i < dump.ids.length; i++) {
    const id = dump.ids[i]!;
    if (!accepted.has(id)) { unexpected++; continue; }
    if (first.has(id)) { duplicates++; continue; }
    first.set(id, dump.at[i]!);
    const p = dump.path[i]!;
    if (p >= 0 && p < DESTINATIONS) perPath[p]! += 1;
  }
  const latency: number[] = [];
  const receivedAt: number[] = [];
  ids.forEach((id, i) => {
    const at = first.get(id);
    if (at === undefined) return;
    latency.push(at - createdAt[i]!);
    receivedAt.push(at);
  });
  return { accepted: accepted.size, delivered: first.size, lost: accepted.size - first.size, duplicates, unexpected, latency, receivedAt, perPath };
}

/** Waits until the sink holds every accepted event, or progress stalls, or `timeoutMs` passes. */
export function drain(env: Env, expected: number, timeoutMs: number, stallMs = 60_000): Promise<Drained> {
  return waitForSink(env, (s) => s.uniqueIds, expected, timeoutMs, stallMs);
}

/** Waits until the sink has answered `expected` distinct route+event pairs 2xx, or progress stalls. */
export function drainOk(env: Env, expected: number, timeoutMs: number, stallMs = 60_000): Promise<Drained> {
  return waitForSink(env, (s) => s.okUnique, expected, timeoutMs, stallMs);
}

type Drained = { drained: boolean; ms: number };

/** Polls the sink's stats until `count` of them reaches `expected`, stops growing for `stallMs`, or `timeoutMs` passes. */
async function waitForSink(env: Env, count: (s: SinkStats) => number, expected: number, timeoutMs: number, stallMs: number): Promise<Drained> {
  const t0 = Date.now();
  let last = -1;
  let lastChange = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const n = count(await env.sinkGet<SinkStats>('/__bench/stats'));
    if (n >= expected) return { drained: true, ms: Date.now() - t0 };
    if (n !== last) { last = n; lastChange = Date.now(); }
    if (Date.now() - lastChange > stallMs) break;
    await sleep(200);
  }
  return { drained: false, ms: Date.now() - t0 };
}

export type FullDump = Dump & { route: number[]; ok: number[]; routes: string[] };
export type SinkStats = { uniqueIds: number; okUnique: number; failed: number; violations: number; violationSamples: string[] };

/** Per route of the sink: first 2xx receipt per event, attempts, duplicates (2xx beyond the first). */
export function okByRoute(dump: FullDump) {
  const byRoute = new Map<string, { first: Map<string, number>; attempts: number; duplicates: number }>();
  for (let i = 0; i < dump.ids.length; i++) {
    const name = dump.routes[dump.route[i]!] ?? '?';
    const r = byRoute.get(name) ?? { first: new Map<string, number>(), attempts: 0, duplicates: 0 };
    byRoute.set(name, r);
    r.attempts++;
    if (!dump.ok[i]) continue;
    if (r.first.has(dump.ids[i]!)) r.duplicates++;
    else r.first.set(dump.ids[i]!, dump.at[i]!);
  }
  return byRoute;
}
