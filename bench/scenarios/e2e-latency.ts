/** `e2e-latency`: creation-to-receipt latency at a fixed 1,000 events/s, after an unmeasured warm-up at that rate (bench/README.md). */
import { LagSampler, maxLag } from '../lib/lag.ts';
import { buckets, percentiles, round } from '../lib/stats.ts';
import { chartSvg } from '../lib/svg.ts';
import { DESTINATIONS, sizeOf, type Figures, type Outcome } from '../harness/config.ts';
import { mittrNames, runLoad, type Env } from '../harness/env.ts';
import { deliveries, drain, type Dump } from '../harness/accounting.ts';
import { readModels } from '../harness/read-models.ts';

export async function e2eLatency(env: Env): Promise<Outcome> {
  const { warmupSec, ...s } = sizeOf(env.opts, 'latency');
  // The rate itself first, unmeasured: a process that has been idle since boot compiles its hot
  // paths, grows its heap and opens its connections in the first seconds at 1,000/s. That ramp
  // is reported on its own (warmupLatencyMs); latencyMs is the latency at the rate.
  const warm = await runLoad(env, { mode: 'paced', ...s, durationSec: warmupSec, destinations: DESTINATIONS, maxInFlight: 256 }, (warmupSec + 180) * 1000);
  const warmAccepted = warm.ids?.length ?? 0;
  await drain(env, warmAccepted, 120_000);
  const warmupLatencyMs = percentiles(deliveries(warm, await env.sinkGet<Dump>('/__bench/dump')).latency);
  await fetch(`${env.sinkUrl}/__bench/reset`, { method: 'POST' });
  const lagSampler = new LagSampler(env.prefix, env.schema);
  await lagSampler.start();
  env.monitor.mark();
  const load = await runLoad(env, { mode: 'paced', ...s, destinations: DESTINATIONS, maxInFlight: 256 }, (s.durationSec + 180) * 1000);
  const accepted = load.ids?.length ?? 0;
  const dr = await drain(env, accepted, 120_000);
  env.monitor.stop();
  const dump = await env.sinkGet<Dump>('/__bench/dump');
  const d = deliveries(load, dump);
  const over = await readModels(env, load.startedAt, d.delivered, d.receivedAt.reduce((a, b) => Math.max(a, b), 0), 120_000);
  const lagTimeline = await lagSampler.stop();
  const latencyMs = percentiles(d.latency);
  const sendLag = percentiles(load.sendLagMs ?? []);
  const figures: Figures = {
    targetRatePerSec: s.ratePerSec,
    achievedRatePerSec: round(accepted / s.durationSec, 0),
    events: accepted,
    latencyMs,
    warmupLatencyMs,
    apiLatencyMs: percentiles(load.latencyMs),
    lost: d.lost,
    duplicates: d.duplicates,
    skippedBatches: load.skippedBatches ?? 0,
    generatorSendLagMs: { p99: sendLag.p99 },
    processingOverheadUs: over.processingOverheadUs,
    projectionCatchUpMs: over.projectionCatchUpMs,
    maxConsumerLag: maxLag(lagTimeline),
    peakRssMb: env.monitor.peakRssMb(mittrNames(env)),
    cpu: env.monitor.cpu([...mittrNames(env), 'sink']),
    machineCoresBusy: env.monitor.machineCoresBusy(),
    loadgen: load.self,
  };
  const notes = [
    `latencyMs: first receipt at the sink minus the event createdAt from the 201 response, at a fixed ${s.ratePerSec} events/s (batches of ${s.batchSize} every ${(s.batchSize * 1000) / s.ratePerSec} ms), after ${warmupSec} s at that rate`,
    `warmupLatencyMs: the same over those first ${warmupSec} s (${warmAccepted} events), from an idle process to the rate`,
    'generatorSendLagMs: how late the load generator sent its batches against the schedule (its own health, not mittr\'s)',
  ];
  if (!dr.drained) notes.push(`the sink had not received every accepted event when the drain stopped after ${dr.ms} ms`);
  if (load.errorSamples.length) notes.push(`load errors: ${load.errorSamples.join(' | ')}`);
  const svg = chartSvg({
    title: `mittr e2e-latency: p99 ${latencyMs.p99} ms creation-to-receipt at ${s.ratePerSec} events/s`,
    subtitle: `${accepted} events over ${s.durationSec} s, batches of ${s.batchSize}; p50 ${latencyMs.p50} / p95 ${latencyMs.p95} ms; lost ${d.lost}, duplicates ${d.duplicates}`,
    latency: { label: 'creation-to-receipt latency', values: d.latency, marks: latencyMs },
    throughput: {
      label: 'events',
      series: [
        { name: 'accepted events/s (API)', color: '#9ecae1', perSecond: buckets(load.doneAt, load.startedAt).map((n) => n * s.batchSize) },
        { name: 'delivered/s (sink receipts)', color: '#e6550d', perSecond: buckets(d.receivedAt, load.startedAt) },
      ],
    },
    lag: lagTimeline,
  });
  return { settings: { ...s, destinations: DESTINATIONS }, figures, svg, notes, machineTop: env.monitor.machineTop() };
}
