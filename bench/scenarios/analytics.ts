/**
 * `analytics`: a history of recorded attempts over 30 days and 50 endpoints written straight to
 * the topics (bench/rebuild-gen.ts), projected by a projector-only mittr, then each analytics
 * route asked over the whole 30 days and every endpoint, one request after another, by an
 * API-only mittr: the answer times a dashboard sees (bench/README.md).
 */
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

export const ANALYTICS_ROUTES = ['summary', 'outcomes', 'throughput', 'latency', 'failures', 'endpoint-health'] as const;

export async function analyticsScenario(env: Env): Promise<Outcome> {
  const s = sizeOf(env.opts, 'analytics');
  const me = await call<{ id: string; projectId: string }>(env, 'GET', '/api/v1/me');
  const endpointIds: string[] = [];
  for (let i = 0; i < s.endpoints; i++) {
    endpointIds.push((await call<{ id: string }>(env, 'POST', '/api/v1/endpoints', { url: `${env.sinkUrl}/d0`, eventTypes: ['bench.analytics'] })).id);
  }
  // From here a projector-only and an API-only mittr: nothing routes or delivers the written history again.
  for (const c of env.mittr) await stopChild(c);
  const project = startMittrProcess('project', ['project'], mittrEnv(env.prefix, env.schema, await freePort(), null), join(env.dir, 'mittr-project.log'), env.opts.source.dir);
  env.mittr.push(project);
  const apiPort = await freePort();
  const apiProc = startMittrProcess('api', ['api'], mittrEnv(env.prefix, env.schema, apiPort, null), join(env.dir, 'mittr-api.log'), env.opts.source.dir);
  env.mittr.push(apiProc);
  await Promise.all([project.waitForLine(/^mittr \S+ started/, 180_000), apiProc.waitForLine(/^mittr \S+ started/, 180_000)]);
  env.monitor.watch('project', project.pid);
  env.monitor.watch('api', apiProc.pid);

  const spanMs = s.days * 86_400_000;
  const out = join(env.dir, 'analytics-gen.json');
  const gen = startNode('analytics-gen', ['bench/rebuild-gen.ts', JSON.stringify({
    brokers: STACK.kafkaBrokers.split(','), registryUrl: STACK.registryUrl, prefix: env.prefix, accountId: me.id, projectId: me.projectId,
    url: `${env.sinkUrl}/d0`, events: s.attempts, out, endpointIds, spanMs, failEvery: 10,
  })], {}, join(env.dir, 'analytics-gen.log'));
  const code = await Promise.race([gen.exited, sleep(1_800_000).then(() => 'timeout' as const)]);
  if (code !== 0) { await stopChild(gen, 2_000); throw new Error(`analytics history writer failed (${String(code)}):\n${gen.tail.join('\n')}`); }
  const written = JSON.parse(readFileSync(out, 'utf8')) as { records: number; events: number; seconds: number };
  const tl = Date.now();
  await waitUntil(async () => {
    // Both topics: the attempts (outcomes) and the acceptances (events), which catch up apart;
    // each counted once, in the project's rows over every endpoint ('*').
    const [row] = await pgQuery<{ attempts: string; accepted: string }>(
      `SELECT coalesce(sum(delivered + retried + dead), 0) AS attempts, coalesce(sum(accepted), 0) AS accepted FROM "${env.schema}".analytics_hourly WHERE endpoint_key = '*'`);
    return Number(row?.attempts ?? 0) >= written.events && Number(row?.accepted ?? 0) >= written.events;
  }, 3_600_000, 'the analytics read model to hold every attempt and acceptance', 1_000);
  const projectedSec = (Date.now() - tl) / 1000;

  const to = new Date().toISOString();
  const from = new Date(Date.now() - spanMs).toISOString();
  const base = `http://127.0.0.1:${apiPort}/api/v1/analytics`;
  const ask = async (route: string) => {
    const t0 = performance.now();
    const res = await fetch(`${base}/${route}?from=${from}&to=${to}`, { headers: { 'x-api-key': env.apiKey }, signal: AbortSignal.timeout(60_000) });
    const body = await res.json() as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`${route} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    return { ms: performance.now() - t0, body };
  };
  env.monitor.mark();
  const answerMs: Record<string, { p50: number | null; p95: number | null; p99: number | null }> = {};
  const all: number[] = [];
  let sent: unknown = null;
  for (const route of ANALYTICS_ROUTES) {
    await ask(route); // its first answer (plans, pool connections) is not counted
    const times: number[] = [];
    for (let i = 0; i < s.requests; i++) {
      const { ms, body } = await ask(route);
      times.push(ms);
      if (route === 'summary') sent = body.sent;
    }
    all.push(...times);
    const p = percentiles(times);
    answerMs[route] = { p50: p.p50, p95: p.p95, p99: p.p99 };
  }
  env.monitor.stop();
  const figures: Figures = {
    attempts: written.events,
    endpoints: s.endpoints,
    days: s.days,
    answerMs,
    summarySent: sent,
    historyWrittenPerSec: round(written.records / written.seconds, 0),
    projectionCatchUpAfterWriterMs: Math.round(projectedSec * 1000),
    peakRssMb: env.monitor.peakRssMb(['api', 'project']),
  };
  const notes = [
    `${written.events} delivered webhook events over ${s.days} days and ${s.endpoints} endpoints, one attempt each (every 10th a 500, retried; latencies 2-998 ms), written straight to the topics with their acceptance and routing`,
    `answerMs: per route, ${s.requests} requests one after another (after one unmeasured), each over the whole ${s.days} days and every endpoint (daily buckets: whole days from the daily rollups, the hours at the ends from the hourly rows; all endpoints from the project's rows over every endpoint)`,
    'summarySent: the summary route\'s count of accepted events: the attempts plus the warm-up\'s events',
  ];
  const svg = chartSvg({
    title: `mittr analytics: ${ANALYTICS_ROUTES.map((r) => `${r} p95 ${answerMs[r]?.p95} ms`).join(', ')}`,
    subtitle: `${written.events} attempts over ${s.days} days and ${s.endpoints} endpoints; ${s.requests} requests per route`,
    latency: { label: 'analytics answer time', values: all, marks: percentiles(all) },
    throughput: { label: 'requests', series: [] },
  });
  return { settings: s, figures, svg, notes, machineTop: env.monitor.machineTop() };
}
