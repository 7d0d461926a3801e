/**
 * `ingest-rate`: single POST /api/v1/events on a fixed schedule, at each rate in turn (200 and
 * 1,000 events/s), after an unmeasured warm-up at that rate: the API's response time when the
 * caller is not the bottleneck, and whether the rate is held (bench/README.md).
 */
import { buckets, percentiles, round } from '../lib/stats.ts';
import { chartSvg } from '../lib/svg.ts';
import { DESTINATIONS, sizeOf, type Figures, type Outcome } from '../harness/config.ts';
import { mittrNames, runLoad, type Env } from '../harness/env.ts';
import { deliveries, drain, type Dump } from '../harness/accounting.ts';

export async function ingestRate(env: Env): Promise<Outcome> {
  const s = sizeOf(env.opts, 'rate');
  const figures: Figures = {};
  const latencies: number[] = [];
  const doneAt: number[] = [];
  let t0 = 0;
  env.monitor.mark();
  for (const rate of s.rates) {
    const pace = { mode: 'paced' as const, single: true, ratePerSec: rate, destinations: DESTINATIONS, maxInFlight: 256 };
    const warm = await runLoad(env, { ...pace, durationSec: s.warmupSec }, (s.warmupSec + 120) * 1000);
    await drain(env, warm.ids?.length ?? 0, 60_000);
    await fetch(`${env.sinkUrl}/__bench/reset`, { method: 'POST' });
    const load = await runLoad(env, { ...pace, durationSec: s.durationSec }, (s.durationSec + 120) * 1000);
    const accepted = load.ids?.length ?? 0;
    const dr = await drain(env, accepted, 60_000);
    const d = deliveries(load, await env.sinkGet<Dump>('/__bench/dump'));
    await fetch(`${env.sinkUrl}/__bench/reset`, { method: 'POST' });
    if (t0 === 0) t0 = load.startedAt;
    latencies.push(...load.latencyMs);
    doneAt.push(...load.doneAt);
    figures[`at${rate}`] = {
      targetRatePerSec: rate,
      achievedRatePerSec: round(accepted / s.durationSec, 0),
      apiLatencyMs: percentiles(load.latencyMs),
      creationToReceiptMs: percentiles(d.latency),
      non201: Object.entries(load.statusCounts).filter(([c]) => c !== '201').reduce((n, [, v]) => n + v, 0),
      errors: load.errors,
      skipped: load.skippedBatches ?? 0,
      generatorSendLagMsP99: percentiles(load.sendLagMs ?? []).p99,
      lost: d.lost,
      drained: dr.drained,
    };
  }
  env.monitor.stop();
  figures.peakRssMb = env.monitor.peakRssMb(mittrNames(env));
  figures.cpu = env.monitor.cpu([...mittrNames(env), 'sink']);
  figures.machineCoresBusy = env.monitor.machineCoresBusy();
  const notes = [
    `each rate: ${s.warmupSec} s unmeasured at the rate, then ${s.durationSec} s measured; one event per POST with its own X-Idempotency-Key, to ${DESTINATIONS} direct destinations round-robin`,
    'apiLatencyMs: the 201 response time seen by the load generator; creationToReceiptMs: first receipt at the sink minus the event createdAt',
    'skipped: requests not sent because 256 were still open (the rate was not held); generatorSendLagMsP99: how late the generator sent against its schedule',
  ];
  const svg = chartSvg({
    title: `mittr ingest-rate: single POSTs at ${s.rates.join(' then ')} events/s`,
    subtitle: s.rates.map((r) => { const f = figures[`at${r}`] as { apiLatencyMs: { p50: number; p99: number } }; return `${r}/s: p50 ${f.apiLatencyMs.p50} / p99 ${f.apiLatencyMs.p99} ms`; }).join('; '),
    latency: { label: 'API response time', values: latencies, marks: percentiles(latencies) },
    throughput: { label: 'events', series: [{ name: 'accepted events/s', color: '#4c78a8', perSecond: buckets(doneAt, t0) }] },
  });
  return { settings: { ...s, endpoint: 'POST /api/v1/events' }, figures, svg, notes, machineTop: env.monitor.machineTop() };
}
