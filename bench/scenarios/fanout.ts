/** `fanout`: events of one type routed to 50 subscribed endpoints (bench/README.md). */
import { setTimeout as sleep } from 'node:timers/promises';
import { buckets, overallRate, percentiles, round, sustainedRate } from '../lib/stats.ts';
import { chartSvg } from '../lib/svg.ts';
import { sizeOf, type Figures, type Outcome } from '../harness/config.ts';
import { call, mittrNames, runLoad, type Env } from '../harness/env.ts';
import { drainOk, okByRoute, type FullDump } from '../harness/accounting.ts';

export async function fanout(env: Env): Promise<Outcome> {
  const s = sizeOf(env.opts, 'fanout');
  for (let i = 0; i < s.endpoints; i++) {
    await call(env, 'POST', '/api/v1/endpoints', { url: `${env.sinkUrl}/f${i}`, eventTypes: ['bench.fanout'] });
  }
  await sleep(1_000); // the endpoints reach the router's configuration
  env.monitor.mark();
  const load = await runLoad(env, { mode: 'typed', eventTypes: ['bench.fanout'], keys: s.events, perKey: 1, concurrency: s.concurrency }, 600_000);
  const accepted = load.ids?.length ?? 0;
  const dr = await drainOk(env, accepted * s.endpoints, 600_000);
  env.monitor.stop();
  const dump = await env.sinkGet<FullDump>('/__bench/dump');
  const created = new Map((load.ids ?? []).map((id, i) => [id, load.createdAt![i]!]));
  const receivedAt: number[] = [];
  const latency: number[] = [];
  let duplicates = 0;
  let delivered = 0;
  for (const [route, r] of okByRoute(dump)) {
    if (!route.startsWith('/f')) continue;
    duplicates += r.duplicates;
    for (const [id, at] of r.first) {
      const c = created.get(id);
      if (c === undefined) continue;
      delivered++;
      receivedAt.push(at);
      latency.push(at - c);
    }
  }
  const latencyMs = percentiles(latency);
  const figures: Figures = {
    events: accepted, endpoints: s.endpoints, deliveries: delivered,
    deliveredPerSec: round(sustainedRate(receivedAt), 0),
    deliveredPerSecOverall: round(overallRate(receivedAt), 0),
    latencyMs,
    lost: accepted * s.endpoints - delivered,
    duplicates,
    peakRssMb: env.monitor.peakRssMb(mittrNames(env)),
    cpu: env.monitor.cpu([...mittrNames(env), 'sink']),
    machineCoresBusy: env.monitor.machineCoresBusy(),
  };
  const notes = [
    `${accepted} events of type bench.fanout, each routed to ${s.endpoints} subscribed endpoints (POST /api/v1/events, ${s.concurrency} in flight)`,
    'deliveredPerSec: the middle 90 % of first 2xx receipts per endpoint and event over the time they took; lost: endpoint-event pairs never answered 2xx',
  ];
  if (!dr.drained) notes.push(`the sink had not received every delivery when the drain stopped after ${dr.ms} ms`);
  if (load.errorSamples.length) notes.push(`load errors: ${load.errorSamples.join(' | ')}`);
  const svg = chartSvg({
    title: `mittr fanout: ${figures.deliveredPerSec} deliveries/s, ${accepted} events × ${s.endpoints} endpoints`,
    subtitle: `creation-to-receipt p50 ${latencyMs.p50} / p95 ${latencyMs.p95} / p99 ${latencyMs.p99} ms; lost ${String(figures.lost)}, duplicates ${duplicates}`,
    latency: { label: 'creation-to-receipt latency', values: latency, marks: latencyMs },
    throughput: {
      label: 'events',
      series: [
        { name: 'accepted events/s (API)', color: '#9ecae1', perSecond: buckets(load.doneAt, load.startedAt) },
        { name: 'delivered/s (sink receipts)', color: '#e6550d', perSecond: buckets(receivedAt, load.startedAt) },
      ],
    },
  });
  return { settings: s, figures, svg, notes, machineTop: env.monitor.machineTop() };
}
