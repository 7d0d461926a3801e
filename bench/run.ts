/**
 * `npm run bench [scenario...] [--quick] [--roles all|split] [--profile] [--keep]`
 *
 * The benchmark harness: brings the loopback stack up (scripts/stack up), then per scenario runs
 * mittr as child process(es) with an isolated topic prefix and Postgres schema, a receiving sink
 * and a load generator each in their own process, and writes bench/results/<scenario>.json and
 * .svg. See bench/README.md for the scenarios, their figures and the targets.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { killAll } from './lib/procs.ts';
import { exportRev, machineInfo, workingTree } from './lib/source.ts';
import { ROOT, stackUp } from './lib/stack.ts';
import { DESTINATIONS, RESULTS, SCENARIOS, sizeOf, sampleEveryFor, type Opts, type Report, type Scenario } from './harness/config.ts';
import { withEnv } from './harness/env.ts';
import { judge, printTable, readSingleRate } from './harness/report.ts';
import { e2e } from './scenarios/e2e.ts';
import { e2eLatency } from './scenarios/e2e-latency.ts';
import { fanout } from './scenarios/fanout.ts';
import { fifo } from './scenarios/fifo.ts';
import { ingest } from './scenarios/ingest.ts';
import { ingestRate } from './scenarios/ingest-rate.ts';
import { rebuildScenario } from './scenarios/rebuild.ts';
import { gdprExportScenario } from './scenarios/gdpr-export.ts';
import { analyticsScenario } from './scenarios/analytics.ts';
import { inboundScenario } from './scenarios/inbound.ts';

function parseArgs(argv: string[]): Opts {
  const opts: Opts = { scenarios: [], quick: false, split: false, profile: false, keep: false, rev: null, source: { dir: ROOT, commit: '' } };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') opts.quick = true;
    else if (a === '--profile') opts.profile = true;
    else if (a === '--keep') opts.keep = true;
    else if (a === '--rev' || a.startsWith('--rev=')) {
      opts.rev = a.includes('=') ? a.slice(a.indexOf('=') + 1) : (argv[++i] ?? '');
      if (!opts.rev) throw new Error('--rev takes a git revision');
    }
    else if (a === '--roles' || a.startsWith('--roles=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v !== 'split' && v !== 'all') throw new Error(`--roles takes all or split (got ${v})`);
      opts.split = v === 'split';
    } else if (a === '--help' || a === '-h') {
      console.log(`usage: npm run bench -- [${SCENARIOS.join('|')}]... [--quick] [--roles all|split] [--profile] [--keep] [--rev <git-rev>]`);
      process.exit(0);
    } else if ((SCENARIOS as readonly string[]).includes(a)) opts.scenarios.push(a as Scenario);
    else throw new Error(`unknown argument ${a} (scenarios: ${SCENARIOS.join(', ')})`);
  }
  if (opts.scenarios.length === 0) opts.scenarios = [...SCENARIOS];
  // ingest-single before ingest-batch, so the ratio compares within this run.
  opts.scenarios = SCENARIOS.filter((s) => opts.scenarios.includes(s));
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  mkdirSync(RESULTS, { recursive: true });
  console.log('bench: scripts/stack up');
  stackUp();
  opts.source = opts.rev ? exportRev(opts.rev) : workingTree();
  console.log(`bench: mittr from ${opts.rev ? `${opts.rev} (${opts.source.commit}, exported to ${opts.source.dir})` : `the working tree (${opts.source.commit})`}`);
  const machine = await machineInfo(opts.source);
  console.log(`bench: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryMb} MB, Node ${machine.node}, Kafka ${machine.kafka}, Postgres ${machine.postgres}, load ${machine.loadAvg1m}`);
  const reports: Report[] = [];
  let singleRate: { value: number; basis: string } | null = null;
  for (const scenario of opts.scenarios) {
    const startedAt = new Date().toISOString();
    const sampleEvery = scenario === 'e2e' || scenario === 'e2e-one' ? sampleEveryFor(sizeOf(opts, 'e2e').total) : scenario === 'e2e-single' ? sampleEveryFor(sizeOf(opts, 'e2eSingle').total) : 0;
    const warmup = scenario.startsWith('ingest') || scenario === 'inbound' ? 1 : DESTINATIONS;
    const outcome = await withEnv(scenario, opts, sampleEvery, warmup, (env) => {
      switch (scenario) {
        case 'ingest-single': return ingest(env, 'single', null);
        case 'ingest-batch': return ingest(env, 'batch', singleRate ?? readSingleRate(opts));
        case 'inbound': return inboundScenario(env, singleRate ?? readSingleRate(opts));
        case 'ingest-rate': return ingestRate(env);
        case 'e2e': return e2e(env);
        case 'e2e-single': return e2e(env, 'single');
        case 'e2e-one': return e2e(env, 'one');
        case 'e2e-latency': return e2eLatency(env);
        case 'fanout': return fanout(env);
        case 'fifo': return fifo(env);
        case 'rebuild': return rebuildScenario(env);
        case 'analytics': return analyticsScenario(env);
        case 'gdpr-export': return gdprExportScenario(env);
      }
    });
    if (scenario === 'ingest-single') singleRate = { value: Number(outcome.figures.eventsPerSec), basis: 'this run' };
    const report: Report = {
      scenario, startedAt, quick: opts.quick, roles: opts.split ? 'split' : 'all',
      machine: { ...machine, loadAvg1m: Math.round(os.loadavg()[0]! * 100) / 100 },
      settings: outcome.settings, figures: outcome.figures, machineTop: outcome.machineTop ?? [],
      targets: judge(scenario, opts, outcome.figures), notes: outcome.notes,
    };
    writeFileSync(join(RESULTS, `${scenario}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(RESULTS, `${scenario}.svg`), outcome.svg);
    reports.push(report);
    printTable(report);
    console.log(`  -> bench/results/${scenario}.json, bench/results/${scenario}.svg`);
  }
  console.log(`\nbench: ${machine.cores} cores, everything colocated (Kafka, registry, Postgres, mittr, sink, load generator):`
    + ' absolute numbers are noisy; compare ratios within one run.');
  const missed = reports.flatMap((r) => r.targets.filter((t) => t.met === false).map((t) => `${r.scenario} ${t.figure} = ${String(t.value)} (target ${t.target})`));
  if (missed.length) console.log(`bench: targets missed:\n  ${missed.join('\n  ')}`);
}

// kafkajs (the cleanup's admin client) arms a negative timer on Node >= 22; harmless, and noise here.
process.removeAllListeners('warning');
process.on('warning', (w) => { if (w.name !== 'TimeoutNegativeWarning') console.warn(w); });

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\nbench: ${sig}: stopping child processes (topics bench*. and schemas bench_* of this run stay; drop them by hand)`);
    killAll();
    process.exit(130);
  });
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error('bench failed:', err instanceof Error ? err.message : err);
  killAll();
  process.exit(1);
});
