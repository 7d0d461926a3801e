/** What the harness asks of the load generator, and what it writes back (bench/loadgen.ts). */

export type LoadArgs = {
  mode: 'single' | 'batch' | 'bulk' | 'paced' | 'typed' | 'inbound';
  apiUrl: string;
  apiKey: string;
  sinkUrl: string;
  out: string;
  durationSec?: number;
  connections?: number;
  batchSize?: number;
  total?: number;
  concurrency?: number;
  destinations?: number;
  ratePerSec?: number;
  maxInFlight?: number;
  eventTypes?: string[];
  keys?: number;
  perKey?: number;
  /** bulk/paced: one event per POST /api/v1/events (with its own X-Idempotency-Key) instead of batches. */
  single?: boolean;
  /** bulk/paced: events of this type (routed to the endpoints subscribed to it) instead of direct destinations. */
  eventType?: string;
  /** inbound: the receiver path (/inbound/{suffix}) and the Stripe signing secret of its inbound endpoint. */
  inboundPath?: string;
  stripeSecret?: string;
};

/** What every mode writes. Per-request arrays are parallel (latency and completion time). */
export type LoadResult = {
  mode: LoadArgs['mode'];
  startedAt: number;
  finishedAt: number;
  requests: number;
  okRequests: number;
  eventsPerRequest: number;
  statusCounts: Record<string, number>;
  errors: number;
  errorSamples: string[];
  /** Per successful request: response time (ms) and completion time (epoch ms). */
  latencyMs: number[];
  doneAt: number[];
  /** bulk/paced/typed: every accepted event (parallel arrays). */
  ids?: string[];
  createdAt?: number[];
  /** typed: the event type of each accepted event (index into eventTypes). */
  typeOf?: number[];
  /** paced: batches not sent because maxInFlight requests were still open; lateness of the sends. */
  skippedBatches?: number;
  sendLagMs?: number[];
  /** The generator's own CPU seconds and peak RSS (it must not be the bottleneck). */
  self?: { cpuSec: number; peakRssMb: number };
};
