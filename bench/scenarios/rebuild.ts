/** `rebuild`: a history written straight to the topics, projected live, then `mittr rebuild --verify` (bench/README.md). */
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
 * Rebuild from the log: a history of `events` delivered webhook events (three domain events each)
 * is written to the run's topics, a projector-only mittr builds the live read models from it, then
 * `mittr rebuild --verify` replays the whole log into a shadow schema and compares every table.
 */
export async function rebuildScenario(env: Env): Promise<Outcome> {
  const s = sizeOf(env.opts, 'rebuild');
  const me = await call<{ id: string; projectId: string }>(env, 'GET', '/api/v1/me');
  // Only the projector runs from here: nothing routes or delivers the written history again.
  for (const c of env.mittr) await stopChild(c);
  const projEnv = mittrEnv(env.prefix, env.schema, await freePort(), null);
  const project = startMittrProcess('project', ['project'], projEnv, join(env.dir, 'mittr-project.log'), env.opts.source.dir);
  env.mittr.push(project);
  await project.waitForLine(/^mittr \S+ started/, 180_000);
  env.monitor.watch('project', project.pid);

  const out = join(env.dir, 'rebuild-gen.json');
  const gen = startNode('rebuild-gen', ['bench/rebuild-gen.ts', JSON.stringify({
    brokers: STACK.kafkaBrokers.split(','), registryUrl: STACK.registryUrl, prefix: env.prefix, accountId: me.id, projectId: me.projectId,
    url: `${env.sinkUrl}/d0`, events: s.events, out,
  })], {}, join(env.dir, 'rebuild-gen.log'));
  const code = await Promise.race([gen.exited, sleep(1_800_000).then(() => 'timeout' as const)]);
  if (code !== 0) { await stopChild(gen, 2_000); throw new Error(`rebuild-gen failed (${String(code)}):\n${gen.tail.join('\n')}`); }
  const written = JSON.parse(readFileSync(out, 'utf8')) as { records: number; events: number; seconds: number };

  // The live projector catches up: every attempt recorded and every written event delivered. The
  // attempts alone were not enough: they come from the outcomes topic, and the events topic (the
  // acceptances and routings the status depends on) may still be behind then.
  const tl = Date.now();
  const caughtUp = async () => {
    const [row] = await pgQuery<{ attempts: string; events: string; pending: string }>(`SELECT
      (SELECT count(*) FROM "${env.schema}".delivery_attempts) AS attempts,
      (SELECT count(*) FROM "${env.schema}".events) AS events,
      (SELECT count(*) FROM "${env.schema}".events WHERE status <> 'delivered') AS pending`);
    return Number(row?.attempts ?? 0) >= written.events && Number(row?.events ?? 0) >= written.events && Number(row?.pending ?? 1) === 0;
  };
  await waitUntil(caughtUp, 3_600_000, 'the live projection to catch up', 1_000);
  const liveSec = (Date.now() - tl) / 1000;

  env.monitor.mark();
  const rb = startMittrProcess('rebuild', ['rebuild', '--verify'], projEnv, join(env.dir, 'mittr-rebuild.log'), env.opts.source.dir);
  env.monitor.watch('rebuild', rb.pid);
  const rbCode = await Promise.race([rb.exited, sleep(3_600_000).then(() => 'timeout' as const)]);
  env.monitor.stop();
  const log = readFileSync(join(env.dir, 'mittr-rebuild.log'), 'utf8');
  const at = log.lastIndexOf('{\n  "schema"');
  if (at < 0) { await stopChild(rb, 2_000); throw new Error(`rebuild printed no result (exit ${String(rbCode)}):\n${rb.tail.join('\n')}`); }
  const result = JSON.parse(log.slice(at, log.indexOf('\n}', at) + 2)) as { events: number; seconds: number; eventsPerSec: number; identical?: boolean; tables?: Record<string, boolean> };
  const figures: Figures = {
    eventsPerSec: result.eventsPerSec,
    identical: result.identical ?? false,
    records: result.events,
    seconds: round(result.seconds, 1),
    tables: result.tables ?? {},
    webhookEvents: written.events,
    historyWrittenPerSec: round(written.records / written.seconds, 0),
    // The projector ran while the history was written: from the writer's start to the catch-up.
    liveProjectionEventsPerSec: round(written.records / (written.seconds + liveSec), 0),
    liveCatchUpAfterWriterMs: Math.round(liveSec * 1000),
    peakRssMb: env.monitor.peakRssMb(['rebuild', 'project']),
  };
  const notes = [
    `the log holds ${result.events} records: ${written.events} webhook events × (EventAccepted, EventRouted, DeliveryAttempted), plus the run's account records`,
    'eventsPerSec: records replayed per second by `mittr rebuild --verify` into a shadow schema (all projections at once), the comparison not included',
    'identical: every read model table of the rebuild equals the live one, row for row',
    'liveProjectionEventsPerSec: the records over the time from the writer\'s start until the running projector had them all (it projects while the history is written, so this is bounded by the writer); liveCatchUpAfterWriterMs: how long it needed after the writer finished',
  ];
  const svg = chartSvg({
    title: `mittr rebuild: ${result.eventsPerSec} events/s replayed, identical ${String(result.identical)}`,
    subtitle: `${result.events} records in ${round(result.seconds, 1)} s`,
    latency: { label: '(no latency distribution in this scenario)', values: [], marks: percentiles([]) },
    throughput: { label: 'records', series: [] },
  });
  return { settings: s, figures, svg, notes, machineTop: env.monitor.machineTop() };
}
