/** `inbound`: a Stripe-signed flood of POST /inbound/{suffix}, verified receipts per second (bench/README.md, Scenarios). */
import { randomBytes } from 'node:crypto';
import { buckets, percentiles, round } from '../lib/stats.ts';
import { chartSvg } from '../lib/svg.ts';
import { sizeOf, type Figures, type Outcome } from '../harness/config.ts';
import { call, mittrNames, runLoad, type Env } from '../harness/env.ts';

export async function inboundScenario(env: Env, singleRate: { value: number; basis: string } | null): Promise<Outcome> {
  const s = sizeOf(env.opts, 'inbound');
  const stripeSecret = `whsec_${randomBytes(24).toString('base64')}`;
  // Every verified receipt becomes an event fanned out by its type to one endpoint (a sink path).
  await call(env, 'POST', '/api/v1/endpoints', { url: `${env.sinkUrl}/inbound`, eventTypes: ['charge.*'] });
  const ib = await call<{ pathSuffix: string }>(env, 'POST', '/api/v1/inbound-endpoints', {
    name: 'bench stripe', source: 'stripe', sourceConfig: { secret: stripeSecret }, eventTypeMapping: '$.data.type',
  });
  env.monitor.mark();
  const r = await runLoad(env, { mode: 'inbound', ...s, inboundPath: `/inbound/${ib.pathSuffix}`, stripeSecret }, (s.durationSec + 120) * 1000);
  env.monitor.stop();
  const seconds = (r.finishedAt - r.startedAt) / 1000;
  const receiptsPerSec = r.okRequests / seconds;
  const latencyMs = percentiles(r.latencyMs);
  const figures: Figures = {
    verifiedReceiptsPerSec: round(receiptsPerSec, 0),
    latencyMs,
    requests: r.requests,
    non202: Object.entries(r.statusCounts).filter(([c]) => c !== '202').reduce((n, [, v]) => n + v, 0),
    errors: r.errors,
    ratioToIngestSingle: singleRate ? round(receiptsPerSec / singleRate.value, 2) : null,
    loadgen: r.self,
  };
  const notes = [singleRate
    ? `ratioToIngestSingle against ingest-single ${singleRate.value} events/s (${singleRate.basis})`
    : 'ratioToIngestSingle: no ingest-single result of the same mode to compare with; run `npm run bench -- ingest-single inbound`'];
  figures.cpu = env.monitor.cpu([...mittrNames(env), 'sink']);
  figures.machineCoresBusy = env.monitor.machineCoresBusy();
  figures.peakRssMb = env.monitor.peakRssMb(mittrNames(env));
  const svg = chartSvg({
    title: `mittr inbound: ${figures.verifiedReceiptsPerSec} verified receipts/s`,
    subtitle: `POST /inbound/{suffix}, Stripe-signed (t=,v1=), ${s.connections} connections, ${s.durationSec} s; latency of 202 responses`,
    latency: { label: 'receiver response time', values: r.latencyMs, marks: latencyMs },
    throughput: { label: 'verified receipts', series: [{ name: 'receipts/s', color: '#4c78a8', perSecond: buckets(r.doneAt, r.startedAt) }] },
  });
  return { settings: { ...s, endpoint: 'POST /inbound/{pathSuffix}', source: 'stripe' }, figures, svg, notes, machineTop: env.monitor.machineTop() };
}
