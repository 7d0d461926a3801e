/** What the harness runs and judges: the scenarios, their sizes (full and --quick), the targets and the report's shape. */
import { join } from 'node:path';
import type { TopRow } from '../lib/monitor.ts';
import type { Machine, Source } from '../lib/source.ts';
import { ROOT } from '../lib/stack.ts';

export const SCENARIOS = ['ingest-single', 'ingest-batch', 'inbound', 'ingest-rate', 'e2e', 'e2e-single', 'e2e-one', 'e2e-latency', 'fanout', 'fifo', 'rebuild', 'analytics', 'gdpr-export'] as const;
export type Scenario = (typeof SCENARIOS)[number];
export type Opts = { scenarios: Scenario[]; quick: boolean; split: boolean; profile: boolean; keep: boolean; rev: string | null; source: Source };

/** Where results go: bench/results, or MITTR_BENCH_RESULTS (the harness's own smoke test uses a temp dir). */
export const RESULTS = process.env.MITTR_BENCH_RESULTS ?? join(ROOT, 'bench', 'results');
export const DESTINATIONS = 10;

/** Sizes of each scenario: full, and --quick (a few seconds or a few hundred events: the CI smoke test). */
const SIZES = {
  single: { full: { durationSec: 20, connections: 64 }, quick: { durationSec: 3, connections: 8 } },
  /** Single POSTs on a fixed schedule, at each rate in turn, after an unmeasured warm-up at it. */
  rate: { full: { rates: [200, 1_000], durationSec: 15, warmupSec: 3 }, quick: { rates: [50], durationSec: 2, warmupSec: 1 } },
  /** inbound: Stripe-signed POST /inbound/{suffix}, each verified, recorded and made an event. */
  inbound: { full: { durationSec: 20, connections: 32 }, quick: { durationSec: 3, connections: 8 } },
  batch: { full: { durationSec: 20, connections: 8, batchSize: 100 }, quick: { durationSec: 3, connections: 2, batchSize: 100 } },
  e2e: { full: { total: 50_000, batchSize: 100, concurrency: 8 }, quick: { total: 500, batchSize: 100, concurrency: 2 } },
  /** e2e-single: one event per POST /api/v1/events, 64 in flight, every one routed by type to one endpoint. */
  e2eSingle: { full: { total: 30_000, batchSize: 1, concurrency: 64 }, quick: { total: 200, batchSize: 1, concurrency: 8 } },
  /** e2e-one: batches to one direct destination (one receiver). */
  e2eOne: { full: { total: 50_000, batchSize: 100, concurrency: 8 }, quick: { total: 500, batchSize: 100, concurrency: 2 } },
  latency: {
    full: { ratePerSec: 1_000, durationSec: 30, batchSize: 10, warmupSec: 5 },
    quick: { ratePerSec: 100, durationSec: 3, batchSize: 10, warmupSec: 1 },
  },
  fanout: { full: { events: 1_000, endpoints: 50, concurrency: 16 }, quick: { events: 20, endpoints: 50, concurrency: 8 } },
  fifo: { full: { keys: 1_000, perKey: 20, failureRate: 0.1, concurrency: 32 }, quick: { keys: 50, perKey: 6, failureRate: 0.1, concurrency: 16 } },
  rebuild: { full: { events: 333_334 }, quick: { events: 5_000 } },
  /** gdpr-export: delivered events of payloadBytes each (full: ~1 GB of payloads, ~1.1 GB exported), then GET /api/v1/gdpr/export. */
  gdprExport: { full: { events: 100_000, payloadBytes: 10_000 }, quick: { events: 1_000, payloadBytes: 10_000 } },
  /** Recorded attempts over `days` and `endpoints`, then `requests` answers per analytics route. */
  analytics: { full: { attempts: 1_000_000, endpoints: 50, days: 30, requests: 100 }, quick: { attempts: 2_000, endpoints: 5, days: 30, requests: 5 } },
};

/** The size of scenario part `name` in this run (full or --quick). */
export function sizeOf<K extends keyof typeof SIZES>(opts: { quick: boolean }, name: K): (typeof SIZES)[K]['full'] {
  return SIZES[name][opts.quick ? 'quick' : 'full'];
}

export type Target = { figure: string; op: '>=' | '<='; value: number; onlyAllRoles?: boolean };
export const TARGETS: Record<Scenario, Target[]> = {
  'ingest-single': [],
  'ingest-batch': [{ figure: 'ratioToSingle', op: '>=', value: 10 }],
  inbound: [],
  'ingest-rate': [
    { figure: 'at200.apiLatencyMs.p50', op: '<=', value: 5 }, { figure: 'at200.apiLatencyMs.p99', op: '<=', value: 25 },
    { figure: 'at1000.apiLatencyMs.p50', op: '<=', value: 5 }, { figure: 'at1000.apiLatencyMs.p99', op: '<=', value: 25 },
  ],
  e2e: [
    { figure: 'deliveredPerSec', op: '>=', value: 3_000 },
    { figure: 'processingOverheadUs.p50', op: '<=', value: 500 },
    { figure: 'peakRssMb.all', op: '<=', value: 300, onlyAllRoles: true },
  ],
  'e2e-single': [
    { figure: 'acceptedPerSec', op: '>=', value: 2_500 }, { figure: 'deliveredPerSec', op: '>=', value: 2_500 },
    { figure: 'latencyMs.p99', op: '<=', value: 250 },
  ],
  'e2e-one': [{ figure: 'deliveredPerSec', op: '>=', value: 3_000 }],
  'e2e-latency': [{ figure: 'latencyMs.p99', op: '<=', value: 250 }],
  fanout: [],
  fifo: [{ figure: 'orderViolations', op: '<=', value: 0 }, { figure: 'lost', op: '<=', value: 0 }],
  rebuild: [{ figure: 'eventsPerSec', op: '>=', value: 20_000 }, { figure: 'identical', op: '>=', value: 1 }],
  'gdpr-export': [{ figure: 'rssGrowthMb', op: '<=', value: 100 }],
  analytics: ['summary', 'outcomes', 'throughput', 'latency', 'failures', 'endpoint-health'].map((r) => ({ figure: `answerMs.${r}.p95`, op: '<=' as const, value: 50 })),
};

export type Figures = Record<string, unknown>;
export type Report = {
  scenario: Scenario; startedAt: string; quick: boolean; roles: 'all' | 'split'; machine: Machine;
  settings: Record<string, unknown>; figures: Figures;
  /** The busiest processes on the machine during the measured window (noise check). */
  machineTop: TopRow[];
  targets: Array<{ figure: string; target: string; value: unknown; met: boolean | null }>;
  notes: string[];
};
export type Outcome = { settings: Record<string, unknown>; figures: Figures; svg: string; notes: string[]; machineTop?: TopRow[] };

/** The sink keeps every n-th receipt for the projection-lag sampler: about 200 per run. */
export const sampleEveryFor = (total: number) => Math.max(1, Math.floor(total / 200));
