import { AggregatorRegistry, collectDefaultMetrics, Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';

/** A registry's metrics as values (prom-client's JSON form): what a thread sends the one that serves /metrics. */
export type MetricsSnapshot = Array<MetricObjectWithValues<MetricValue<string>>>;

/**
 * The metrics of one mittr (one `startMittr`: a process, or in `mittr all` each of its two
 * threads), in a registry of its own, so two mittrs in one process (the tests) do not mix.
 *
 * `mittr all` runs the delivery engine on a worker thread (services/platform/processing-thread.ts),
 * whose metric objects live in that thread's isolate. The thread that serves /metrics asks it
 * for its registry's values at each scrape (a message, answered with `getMetricsAsJSON()`) and
 * merges them with its own by prom-client's AggregatorRegistry.aggregate, which is what
 * prom-client does for cluster workers: counters and histograms add up per label set. So a
 * scrape is as fresh as the thread's counters, and the hot path only increments local counters.
 * Process metrics (CPU, memory, event loop) are collected by the serving thread only: they are
 * the process's, and summed twice they would lie.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly remotes: Array<() => Promise<MetricsSnapshot>> = [];

  constructor({ processMetrics }: { processMetrics: boolean }) {
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Adds another thread's metrics, read at each scrape. */
  addRemote(read: () => Promise<MetricsSnapshot>): void {
    this.remotes.push(read);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** This registry's values, for the thread that serves /metrics. */
  snapshot(): Promise<MetricsSnapshot> {
    return this.registry.getMetricsAsJSON();
  }

  /** Every metric of this mittr and the threads added, in Prometheus' text format. */
  async exposition(): Promise<string> {
    if (this.remotes.length === 0) return this.registry.metrics();
    const [own, ...others] = await Promise.all([this.snapshot(), ...this.remotes.map((read) => read())]);
    // What cluster aggregation drops as not mergeable across processes (`omit`:
    // process_start_time_seconds) is this thread's own process metric here: kept as it is.
    const kept = own!.map((m) => (m.aggregator === 'omit' ? { ...m, aggregator: 'first' as const } : m));
    return AggregatorRegistry.aggregate([kept, ...others]).metrics();
  }
}

/**
 * A metric's children by up to three label values, each bound once: recording on a hot path
 * then looks them up in nested maps, building no key string and no labels object.
 */
export function boundChildren<C>(make: (a: string, b: string, c: string) => C): (a: string, b?: string, c?: string) => C {
  const root = new Map<string, Map<string, Map<string, C>>>();
  return (a, b = '', c = '') => {
    let byB = root.get(a);
    if (!byB) root.set(a, byB = new Map());
    let byC = byB.get(b);
    if (!byC) byB.set(b, byC = new Map());
    let child = byC.get(c);
    if (child === undefined) byC.set(c, child = make(a, b, c));
    return child;
  };
}
