/** `fifo`: a FIFO endpoint against a non-FIFO one under injected failures (bench/README.md). */
import { setTimeout as sleep } from 'node:timers/promises';
import { buckets, overallRate, percentiles, round, sustainedRate } from '../lib/stats.ts';
import { chartSvg } from '../lib/svg.ts';
import { sizeOf, type Figures, type Outcome } from '../harness/config.ts';
import { call, mittrNames, runLoad, type Env } from '../harness/env.ts';
import { drainOk, okByRoute, type FullDump, type SinkStats } from '../harness/accounting.ts';

/**
 * FIFO against non-FIFO in one run: two endpoints with the same injected failure rate; the events
 * of each are accepted while its endpoint is paused, then it is resumed and drained alone, so the
 * rates compare delivery, not ingestion. The FIFO receiver checks per-key order on every attempt.
 */
export async function fifo(env: Env): Promise<Outcome> {
  const s = sizeOf(env.opts, 'fifo');
  const common = { retryBackoffMs: 100, retryBackoffMax: 1_000, maxRetries: 25, circuitThreshold: 0 };
  const fifoEp = await call<{ id: string }>(env, 'POST', '/api/v1/endpoints',
    { ...common, url: `${env.sinkUrl}/fifo?fail=${s.failureRate}&order=1`, eventTypes: ['bench.fifo'], fifo: true, fifoPartitionKey: '$.data.key' });
  const plainEp = await call<{ id: string }>(env, 'POST', '/api/v1/endpoints',
    { ...common, url: `${env.sinkUrl}/plain?fail=${s.failureRate}`, eventTypes: ['bench.plain'] });
  for (const ep of [fifoEp, plainEp]) await call(env, 'POST', `/api/v1/endpoints/${ep.id}/pause`);
  await sleep(1_000);
  const load = await runLoad(env, { mode: 'typed', eventTypes: ['bench.fifo', 'bench.plain'], keys: s.keys, perKey: s.perKey, concurrency: s.concurrency }, 1_800_000);
  const perType = [0, 0];
  for (const t of load.typeOf ?? []) perType[t]!++;
  const idsOf = (t: number) => new Set((load.ids ?? []).filter((_, i) => load.typeOf![i] === t));

  const phase = async (ep: { id: string }, route: string, expectedOk: number) => {
    const before = (await env.sinkGet<SinkStats>('/__bench/stats')).okUnique;
    env.monitor.mark();
    const resumedAt = Date.now();
    await call(env, 'POST', `/api/v1/endpoints/${ep.id}/resume`);
    const dr = await drainOk(env, before + expectedOk, 900_000);
    env.monitor.stop();
    const r = okByRoute(await env.sinkGet<FullDump>('/__bench/dump')).get(route);
    const at = [...(r?.first.values() ?? [])];
    return {
      resumedAt, drained: dr.drained,
      figures: {
        deliveredPerSec: round(sustainedRate(at), 0), deliveredPerSecOverall: round(overallRate(at), 0),
        resumeToAllMs: dr.drained ? dr.ms : null, attempts: r?.attempts ?? 0, duplicates: r?.duplicates ?? 0,
        delivered: r?.first.size ?? 0,
      },
      first: r?.first ?? new Map<string, number>(),
      perSecond: buckets(at, resumedAt),
      cores: env.monitor.cpu(mittrNames(env)),
    };
  };
  // Non-FIFO first, then FIFO, each alone on the machine.
  const plain = await phase(plainEp, '/plain', perType[1]!);
  const ordered = await phase(fifoEp, '/fifo', perType[0]!);
  const stats = await env.sinkGet<SinkStats>('/__bench/stats');
  const lostFifo = [...idsOf(0)].filter((id) => !ordered.first.has(id)).length;
  const lostPlain = [...idsOf(1)].filter((id) => !plain.first.has(id)).length;
  const figures: Figures = {
    keys: s.keys, eventsPerKey: s.perKey, failureRate: s.failureRate,
    deliveredPerSec: ordered.figures.deliveredPerSec,
    nonFifoDeliveredPerSec: plain.figures.deliveredPerSec,
    fifoToNonFifo: plain.figures.deliveredPerSec ? round(Number(ordered.figures.deliveredPerSec) / Number(plain.figures.deliveredPerSec), 2) : null,
    orderViolations: stats.violations,
    lost: lostFifo + lostPlain,
    duplicates: ordered.figures.duplicates + plain.figures.duplicates,
    injectedFailures: stats.failed,
    fifo: ordered.figures,
    nonFifo: plain.figures,
    peakRssMb: env.monitor.peakRssMb(mittrNames(env)),
    acceptedPerSec: round((load.ids?.length ?? 0) / ((load.finishedAt - load.startedAt) / 1000), 0),
  };
  const notes = [
    `${s.keys} keys × ${s.perKey} events to a FIFO endpoint (fifoPartitionKey $.data.key) and the same count to a non-FIFO endpoint; ${s.failureRate * 100}% of attempts answered 503 by the sink`,
    'each endpoint is paused while its events are accepted, then resumed and drained alone: deliveredPerSec (FIFO) and nonFifoDeliveredPerSec are the middle 90 % of first 2xx receipts over the time they took',
    'orderViolations: attempts the FIFO receiver saw for seq n of a key before seqs 0..n-1 of that key had each been answered 2xx',
  ];
  if (!plain.drained || !ordered.drained) notes.push('a phase stopped before every event was delivered (see lost)');
  if (stats.violationSamples.length) notes.push(`violations: ${stats.violationSamples.join(' | ')}`);
  if (load.errorSamples.length) notes.push(`load errors: ${load.errorSamples.join(' | ')}`);
  const latency = [...ordered.first.values()].map((at) => at - ordered.resumedAt);
  const marks = percentiles(latency);
  const svg = chartSvg({
    title: `mittr fifo: ${String(figures.deliveredPerSec)} deliveries/s FIFO (${s.keys} keys) vs ${String(figures.nonFifoDeliveredPerSec)} non-FIFO`,
    subtitle: `${s.failureRate * 100}% injected failures; order violations ${stats.violations}; lost ${String(figures.lost)}`,
    latency: { label: 'FIFO: time from resume to first 2xx receipt', values: latency, marks },
    throughput: {
      label: 'deliveries after resume',
      series: [
        { name: 'non-FIFO delivered/s', color: '#9ecae1', perSecond: plain.perSecond },
        { name: 'FIFO delivered/s', color: '#e6550d', perSecond: ordered.perSecond },
      ],
    },
  });
  return { settings: s, figures, svg, notes, machineTop: env.monitor.machineTop() };
}
