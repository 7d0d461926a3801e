import { useState } from 'preact/hooks';
import { api, ok } from '../api.ts';
import { Bars, Lines } from '../charts.tsx';
import { Problem, Select, useLoad, when } from '../ui.tsx';

const RANGES = { '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000, '30d': 30 * 24 * 3600_000 } as const;
const FAILURES = ['timeout', '4xx', '5xx', 'dns', 'tls', 'refused', 'reset', 'blocked', 'transform', 'other'] as const;

export function Analytics() {
  const [range, setRange] = useState<keyof typeof RANGES>('24h');
  const q = () => ({ params: { query: { from: new Date(Date.now() - RANGES[range]).toISOString(), to: new Date().toISOString() } } });
  const r = useLoad(async () => {
    const [summary, outcomes, throughput, latency, failures, health] = await Promise.all([
      api.GET('/api/v1/analytics/summary', q()), api.GET('/api/v1/analytics/outcomes', q()), api.GET('/api/v1/analytics/throughput', q()),
      api.GET('/api/v1/analytics/latency', q()), api.GET('/api/v1/analytics/failures', q()), api.GET('/api/v1/analytics/endpoint-health', q()),
    ]);
    return { summary: ok(summary), outcomes: ok(outcomes), throughput: ok(throughput), latency: ok(latency), failures: ok(failures), health: ok(health) };
  }, [range]);
  const d = r.data;
  return (
    <main>
      <h1>Analytics</h1>
      <Select label="Range" value={range} options={Object.keys(RANGES)} onChange={(v) => setRange(v as keyof typeof RANGES)} />
      <Problem error={r.error} />
      {d && (
        <>
          <p class="counts">Sent {d.summary.sent} · delivered {d.summary.delivered} · failed {d.summary.failed} · dead-lettered {d.summary.deadLettered} ·
            success rate {d.summary.successRate === null ? '—' : `${(d.summary.successRate * 100).toFixed(1)} %`}</p>
          <div class="charts">
            <Bars title="Outcomes" buckets={d.outcomes.buckets} series={['delivered', 'retried', 'dead', 'cancelled']} />
            <Bars title="Throughput (events)" buckets={d.throughput.buckets} series={['events']} />
            <Lines title="Latency percentiles" unit=" ms" buckets={d.latency.buckets} series={['p50', 'p95', 'p99']} />
            <Bars title="Failures by category" buckets={d.failures.buckets} series={FAILURES} />
          </div>
          <h2>Endpoint health</h2>
          <table>
            <thead><tr><th>Endpoint</th><th>Attempts</th><th>Delivery rate</th><th>p95</th><th>Circuit</th><th>Last success</th><th>Last failure</th></tr></thead>
            <tbody>{d.health.data.map((h) => (
              <tr key={h.endpointId}><td>{h.url}</td><td>{h.attempts}</td><td>{h.deliveryRate === null ? '—' : `${(h.deliveryRate * 100).toFixed(1)} %`}</td>
                <td>{h.p95LatencyMs === null ? '—' : `${Math.round(h.p95LatencyMs)} ms`}</td><td>{h.circuitState}</td><td>{when(h.lastSuccessAt)}</td><td>{when(h.lastFailureAt)}</td></tr>
            ))}</tbody>
          </table>
        </>
      )}
    </main>
  );
}
