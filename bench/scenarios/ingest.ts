/** `ingest-single` and `ingest-batch`: autocannon against POST /api/v1/events and /events/batch (bench/README.md, Scenarios). */
import { buckets, percentiles, round } from '../lib/stats.ts';
import { chartSvg } from '../lib/svg.ts';
import { sizeOf, type Figures, type Outcome } from '../harness/config.ts';
import { mittrNames, runLoad, type Env } from '../harness/env.ts';

export async function ingest(env: Env, mode: 'single' | 'batch', singleRate: { value: number; basis: string } | null): Promise<Outcome> {
  const s = mode === 'single' ? sizeOf(env.opts, 'single') : sizeOf(env.opts, 'batch');
  env.monitor.mark();
  const r = await runLoad(env, { mode, ...s }, (s.durationSec + 120) * 1000);
  env.monitor.stop();
  const seconds = (r.finishedAt - r.startedAt) / 1000;
  const eventsPerSec = (r.okRequests * r.eventsPerRequest) / seconds;
  const latencyMs = percentiles(r.latencyMs);
  const figures: Figures = {
    eventsPerSec: round(eventsPerSec, 0),
    latencyMs,
    requestsPerSec: round(r.okRequests / seconds, 0),
    requests: r.requests,
    non201: Object.entries(r.statusCounts).filter(([c]) => c !== '201').reduce((n, [, v]) => n + v, 0),
    errors: r.errors,
    loadgen: r.self,
  };
  const notes: string[] = [];
  if (mode === 'batch') {
    figures.ratioToSingle = singleRate ? round(eventsPerSec / singleRate.value, 1) : null;
    if (singleRate) notes.push(`ratioToSingle against ingest-single ${singleRate.value} events/s (${singleRate.basis})`);
    else notes.push('ratioToSingle: no ingest-single result of the same mode to compare with; run `npm run bench ingest-single ingest-batch`');
  }
  figures.cpu = env.monitor.cpu([...mittrNames(env), 'sink']);
  figures.machineCoresBusy = env.monitor.machineCoresBusy();
  figures.peakRssMb = env.monitor.peakRssMb(mittrNames(env));
  const perSecond = buckets(r.doneAt, r.startedAt).map((n) => n * r.eventsPerRequest);
  const svg = chartSvg({
    title: `mittr ${env.scenario}: ${figures.eventsPerSec} events/s accepted`,
    subtitle: `POST ${mode === 'single' ? '/api/v1/events' : `/api/v1/events/batch (${s.connections} connections × ${sizeOf(env.opts, 'batch').batchSize} events)`}, ${s.connections} connections, ${s.durationSec} s; latency of 201 responses`,
    latency: { label: 'API response time', values: r.latencyMs, marks: latencyMs },
    throughput: { label: 'events accepted', series: [{ name: 'accepted events/s', color: '#4c78a8', perSecond }] },
  });
  return { settings: { ...s, endpoint: mode === 'single' ? 'POST /api/v1/events' : 'POST /api/v1/events/batch' }, figures, svg, notes, machineTop: env.monitor.machineTop() };
}
