/** `gdpr-export`: a history of large events written to the topics, projected, then exported by GET /api/v1/gdpr/export (bench/README.md). */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startMittrProcess, startNode, stopChild } from '../lib/procs.ts';
import { STACK, pgQuery } from '../lib/stack.ts';
import { percentiles, round } from '../lib/stats.ts';
import { chartSvg } from '../lib/svg.ts';
import { sizeOf, type Figures, type Outcome } from '../harness/config.ts';
import { call, waitUntil, type Env } from '../harness/env.ts';
import { mittrEnv } from '../harness/mittr.ts';

/**
 * The export of a big workspace in bounded memory: `events` delivered events with payloads of
 * `payloadBytes` are written to the run's topics (bench/rebuild-gen.ts) and projected by a
 * projector-only mittr; then an API-only mittr, started for it, streams the workspace's export
 * to the harness, which reads and drops it. Its RSS before and at its peak (VmHWM, the export's
 * doing: the process only booted before) is what the scenario is for.
 */
export async function gdprExportScenario(env: Env): Promise<Outcome> {
  const s = sizeOf(env.opts, 'gdprExport');
  const me = await call<{ id: string; projectId: string }>(env, 'GET', '/api/v1/me');
  for (const c of env.mittr) await stopChild(c);
  const project = startMittrProcess('project', ['project'], mittrEnv(env.prefix, env.schema, await freePort(), null), join(env.dir, 'mittr-project.log'), env.opts.source.dir);
  env.mittr.push(project);
  await project.waitForLine(/^mittr \S+ started/, 180_000);

  const out = join(env.dir, 'rebuild-gen.json');
  const gen = startNode('rebuild-gen', ['bench/rebuild-gen.ts', JSON.stringify({
    brokers: STACK.kafkaBrokers.split(','), registryUrl: STACK.registryUrl, prefix: env.prefix, accountId: me.id, projectId: me.projectId,
    url: `${env.sinkUrl}/d0`, events: s.events, payloadBytes: s.payloadBytes, out,
  })], {}, join(env.dir, 'rebuild-gen.log'));
  const code = await Promise.race([gen.exited, sleep(1_800_000).then(() => 'timeout' as const)]);
  if (code !== 0) { await stopChild(gen, 2_000); throw new Error(`rebuild-gen failed (${String(code)}):\n${gen.tail.join('\n')}`); }
  const written = JSON.parse(readFileSync(out, 'utf8')) as { records: number; events: number; seconds: number };
  await waitUntil(async () => {
    const [row] = await pgQuery<{ attempts: string; pending: string }>(`SELECT
      (SELECT count(*) FROM "${env.schema}".delivery_attempts) AS attempts,
      (SELECT count(*) FROM "${env.schema}".events WHERE status <> 'delivered') AS pending`);
    return Number(row?.attempts ?? 0) >= written.events && Number(row?.pending ?? 1) === 0;
  }, 3_600_000, 'the projection of the written history', 1_000);
  await stopChild(project);

  // An API of its own: its memory is the export's (and its boot's) alone.
  const port = await freePort();
  const apiProc = startMittrProcess('api', ['api'], mittrEnv(env.prefix, env.schema, port, null), join(env.dir, 'mittr-api.log'), env.opts.source.dir);
  env.mittr.push(apiProc);
  await apiProc.waitForLine(/^mittr \S+ started/, 180_000);
  env.monitor.watch('api', apiProc.pid);
  const rssBefore = env.monitor.peakRssMb(['api']).api ?? 0;
  env.monitor.mark();
  const t0 = Date.now();
  let bytes = 0;
  let chunks = 0;
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/gdpr/export`, { headers: { 'x-api-key': env.apiKey }, signal: AbortSignal.timeout(3_600_000) });
  if (res.status !== 200) throw new Error(`export answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
  let tail = '';
  for await (const chunk of res.body!) {
    bytes += chunk.byteLength;
    chunks++;
    if (chunk.byteLength > 0) tail = Buffer.from(chunk.subarray(Math.max(0, chunk.byteLength - 16))).toString('utf8');
  }
  const seconds = (Date.now() - t0) / 1000;
  env.monitor.stop();
  if (!tail.endsWith(']}')) throw new Error(`the export did not end as a document does: …${tail}`);
  const peak = env.monitor.peakRssMb(['api']).api ?? 0;
  const figures: Figures = {
    exportMb: round(bytes / 1e6, 1),
    exportMbPerSec: round(bytes / 1e6 / Math.max(seconds, 1e-3), 1),
    seconds: round(seconds, 1),
    events: written.events,
    chunks,
    apiRssBeforeMb: rssBefore,
    peakRssMb: { api: peak },
    rssGrowthMb: peak - rssBefore,
    cpu: env.monitor.cpu(['api']),
  };
  const notes = [
    `${written.events} delivered events of ~${s.payloadBytes} B payloads written straight to the topics (EventAccepted, EventRouted, DeliveryAttempted each) and projected`,
    'exportMb: the bytes of GET /api/v1/gdpr/export as the harness read them (and dropped them); exportMbPerSec over the whole response',
    'apiRssBeforeMb: the API-only process after its boot; peakRssMb.api: its VmHWM at the end, so rssGrowthMb is what the export cost at most',
  ];
  const svg = chartSvg({
    title: `mittr gdpr export: ${round(bytes / 1e6, 0)} MB at ${figures.exportMbPerSec} MB/s, API peak RSS ${peak} MB`,
    subtitle: `${written.events} events, from ${rssBefore} MB RSS after boot`,
    latency: { label: '(no latency distribution in this scenario)', values: [], marks: percentiles([]) },
    throughput: { label: 'bytes', series: [] },
  });
  return { settings: s, figures, svg, notes, machineTop: env.monitor.machineTop() };
}
