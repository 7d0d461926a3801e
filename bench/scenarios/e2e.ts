/**
 * `e2e`: 50,000 events in batches through mittr to the sink; throughput, latency, projection lag
 * and overhead (bench/README.md). Its shapes: `e2e` sends batches to 10 direct destinations;
 * `e2e-single` one event per POST, 64 in flight, each routed by type to one endpoint;
 * `e2e-one` batches to one direct destination (one receiver; a batch cannot fan out by type).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LagSampler, maxLag } from '../lib/lag.ts';
import { buckets, overallRate, percentiles, round, sustainedRate } from '../lib/stats.ts';
import { chartSvg, type Series } from '../lib/svg.ts';
import { DESTINATIONS, sizeOf, sampleEveryFor, type Figures, type Outcome } from '../harness/config.ts';
import { call, mittrNames, runLoad, type Env } from '../harness/env.ts';
import { deliveries, drain, type Dump } from '../harness/accounting.ts';
import { projectionLagSampler, readModels } from '../harness/read-models.ts';

export type E2eShape = 'destinations' | 'single' | 'one';

/** The event type the one endpoint of e2e-single and e2e-one subscribes to. */
const ONE_TYPE = 'bench.one';

export async function e2e(env: Env, shape: E2eShape = 'destinations'): Promise<Outcome> {
  const s = sizeOf(env.opts, shape === 'single' ? 'e2eSingle' : shape === 'one' ? 'e2eOne' : 'e2e');
  const byType = shape === 'single';
  const destinations = shape === 'one' ? 1 : DESTINATIONS;
  // The sink counts receipts by path: the endpoint's URL is the first destination's.
  if (byType) await call(env, 'POST', '/api/v1/endpoints', { url: `${env.sinkUrl}/d0`, eventTypes: [ONE_TYPE] });
  if (byType) await sleep(1_000); // the endpoint reaches the router's configuration
  const sampler = projectionLagSampler(env, 10_000);
  const lagSampler = new LagSampler(env.prefix, env.schema);
  await lagSampler.start();
  env.monitor.mark();
  const load = await runLoad(env, {
    mode: 'bulk', ...s, destinations, durationSec: 900,
    ...(shape === 'single' ? { single: true } : {}), ...(byType ? { eventType: ONE_TYPE } : {}),
  }, 1_000_000);
  const accepted = load.ids?.length ?? 0;
  const dr = await drain(env, accepted, 300_000);
  env.monitor.stop();
  const dump = await env.sinkGet<Dump>('/__bench/dump');
  const d = deliveries(load, dump);
  const lastReceipt = d.receivedAt.reduce((a, b) => Math.max(a, b), 0);
  // Waits (bounded) for the read models to hold every delivery; the lag sampler keeps polling meanwhile.
  const over = await readModels(env, load.startedAt, d.delivered, lastReceipt);
  const lag = await sampler.finish();
  const lagTimeline = await lagSampler.stop();
  const machineBusy = env.monitor.machineCoresBusy();
  const mittrCpu = Object.values(env.monitor.cpu(mittrNames(env))).reduce((sum, c) => sum + c.cpuSec, 0);
  const latencyMs = percentiles(d.latency);
  const lagP = percentiles(lag.lags, 0);
  const figures: Figures = {
    events: accepted,
    deliveredPerSec: round(sustainedRate(d.receivedAt), 0),
    deliveredPerSecOverall: round(overallRate(d.receivedAt), 0),
    acceptedPerSec: round(accepted / ((load.finishedAt - load.startedAt) / 1000), 0),
    latencyMs,
    processingOverheadUs: over.processingOverheadUs,
    projectionLagMs: { p50: lagP.p50, p99: lagP.p99, samples: lag.lags.length, unresolved: lag.unresolved },
    projectionCatchUpMs: over.projectionCatchUpMs,
    peakRssMb: env.monitor.peakRssMb(mittrNames(env)),
    cpu: env.monitor.cpu([...mittrNames(env), 'sink']),
    machineCoresBusy: machineBusy,
    cpuMsPerEvent: {
      mittr: round((mittrCpu * 1000) / Math.max(1, d.delivered), 2),
      machine: machineBusy === null ? null : round((machineBusy * env.monitor.windowSec() * 1000) / Math.max(1, d.delivered), 2),
    },
    maxConsumerLag: maxLag(lagTimeline),
    lost: d.lost,
    duplicates: d.duplicates,
    rejected: Object.entries(load.statusCounts).filter(([c]) => c !== '201').reduce((n, [, v]) => n + v, 0) * s.batchSize + load.errors * s.batchSize,
    perDestination: d.perPath,
    loadgen: load.self,
  };
  const notes = [
    'deliveredPerSec: the middle 90 % of first receipts at the sink (5th to 95th percentile of their times) over the time they took; deliveredPerSecOverall: all receipts from first to last',
    'latencyMs: first receipt at the sink minus the event createdAt from the 201 response, while 50k events are pushed as fast as the API takes them (queueing included)',
    'projectionLagMs: time from receipt at the sink until the events read model (what GET /api/v1/events/{id} reads) shows status delivered, on every n-th receipt, polled every ~25 ms (upper bound, ~30 ms resolution)',
    'processingOverheadUs: delivery_attempts.processing_overhead_us of the successful attempts (the engine\'s time around the HTTP call)',
    'cpuMsPerEvent: CPU time per delivered event over the measured window (load until drained), of the mittr processes and of the whole machine (machineCoresBusy x window / delivered)',
    'maxConsumerLag: the largest lag (records) of each consumer group of the run, sampled every second until the read models caught up; the SVG plots it over time',
  ];
  if (!dr.drained) notes.push(`the sink had not received every accepted event when the drain stopped after ${dr.ms} ms`);
  if (load.errorSamples.length) notes.push(`load errors: ${load.errorSamples.join(' | ')}`);
  const t0 = load.startedAt;
  const series: Series[] = [
    { name: 'accepted events/s (API)', color: '#9ecae1', perSecond: buckets(load.doneAt, t0).map((n) => n * s.batchSize) },
    { name: 'delivered/s (sink receipts)', color: '#e6550d', perSecond: buckets(d.receivedAt, t0) },
  ];
  const svg = chartSvg({
    title: `mittr ${env.scenario}: ${figures.deliveredPerSec} deliveries/s sustained, ${accepted} events to ${byType ? `one endpoint (by type ${ONE_TYPE})` : `${destinations} destination(s)`}`,
    subtitle: `${shape === 'single' ? 'single POSTs' : `batches of ${s.batchSize}`}, ${s.concurrency} in flight; creation-to-receipt p50 ${latencyMs.p50} / p95 ${latencyMs.p95} / p99 ${latencyMs.p99} ms; lost ${d.lost}, duplicates ${d.duplicates}`,
    latency: { label: 'creation-to-receipt latency', values: d.latency, marks: latencyMs },
    throughput: { label: 'events', series, target: 3_000 },
    lag: lagTimeline,
  });
  return { settings: { ...s, ...(byType ? { endpoints: 1, eventType: ONE_TYPE } : { destinations }), projectionLagSampleEvery: sampleEveryFor(s.total) }, figures, svg, notes, machineTop: env.monitor.machineTop() };
}
