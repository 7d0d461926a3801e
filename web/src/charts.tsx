/**
 * Small SVG charts: a stacked bar chart of counts per bucket, and lines (latency percentiles).
 * Enough to see a trend; each has a title and a table-free text summary for screen readers.
 */
const W = 640, H = 180, PAD = 28;
const COLORS = ['var(--good)', 'var(--warn)', 'var(--bad)', 'var(--muted)', '#7c5cff', '#00a3a3', '#c97b00', '#8a8a8a', '#d04c9c', '#4c7dd0'];

type Bucket = { start: string } & Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function Axis(props: { max: number; unit: string }) {
  return (
    <g class="axis">
      <line x1={PAD} y1={H - PAD} x2={W} y2={H - PAD} />
      <text x={2} y={PAD}>{Math.round(props.max)}{props.unit}</text>
      <text x={2} y={H - PAD}>0</text>
    </g>
  );
}

function Legend(props: { series: readonly string[] }) {
  return <p class="legend">{props.series.map((s, i) => <span key={s}><i style={{ background: COLORS[i % COLORS.length] }} /> {s} </span>)}</p>;
}

export function Bars(props: { title: string; buckets: Bucket[]; series: readonly string[] }) {
  const totals = props.buckets.map((b) => props.series.reduce((t, s) => t + num(b[s]), 0));
  const max = Math.max(1, ...totals);
  const bw = (W - PAD) / Math.max(1, props.buckets.length);
  return (
    <figure>
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${props.title}: ${totals.reduce((a, b) => a + b, 0)} in ${props.buckets.length} buckets`}>
        <Axis max={max} unit="" />
        {props.buckets.map((b, i) => {
          let y = H - PAD;
          return props.series.map((s, k) => {
            const h = (num(b[s]) / max) * (H - 2 * PAD);
            y -= h;
            return <rect key={`${i}-${s}`} x={PAD + i * bw + 1} y={y} width={Math.max(1, bw - 2)} height={h} fill={COLORS[k % COLORS.length]}><title>{`${b.start} ${s}: ${num(b[s])}`}</title></rect>;
          });
        })}
      </svg>
      <Legend series={props.series} />
    </figure>
  );
}

export function Lines(props: { title: string; buckets: Bucket[]; series: readonly string[]; unit: string }) {
  const max = Math.max(1, ...props.buckets.flatMap((b) => props.series.map((s) => num(b[s]))));
  const step = (W - PAD) / Math.max(1, props.buckets.length - 1);
  const y = (v: number) => H - PAD - (v / max) * (H - 2 * PAD);
  return (
    <figure>
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${props.title}, up to ${Math.round(max)} ${props.unit}`}>
        <Axis max={max} unit={props.unit} />
        {props.series.map((s, k) => (
          <polyline key={s} fill="none" stroke={COLORS[k % COLORS.length]} stroke-width={2}
            points={props.buckets.map((b, i) => `${PAD + i * step},${y(num(b[s]))}`).join(' ')} />
        ))}
      </svg>
      <Legend series={props.series} />
    </figure>
  );
}
