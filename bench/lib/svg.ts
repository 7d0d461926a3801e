/**
 * A two-panel SVG chart written as plain text (no chart library): the latency distribution on a
 * log axis with its p50/p95/p99 marked, and throughput over time (one line per series).
 */
import { logHistogram, type Percentiles } from './stats.ts';

export type Series = { name: string; color: string; perSecond: number[] };
export type ChartInput = {
  title: string;
  subtitle?: string;
  latency: { label: string; values: ArrayLike<number>; marks: Percentiles };
  throughput: { label: string; series: Series[]; target?: number };
  /** Optional third panel: consumer lag per group, one value per `everyMs`. */
  lag?: { everyMs: number; groups: Record<string, number[]> };
};

const W = 1010;
const H = 400;
const PANEL_W = 440;
const PANEL_H = 280;
const TOP = 70;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f = (n: number) => (Math.round(n * 10) / 10).toString();

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${f(x)}" y="${f(y)}" ${attrs}>${esc(s)}</text>`;
}

function latencyPanel(x0: number, input: ChartInput['latency']): string[] {
  const out: string[] = [];
  const { edges, counts } = logHistogram(input.values, 48);
  const lo = edges[0]!;
  const hi = edges[edges.length - 1]!;
  const xOf = (v: number) => x0 + (Math.log(Math.min(Math.max(v, lo), hi) / lo) / Math.log(hi / lo)) * PANEL_W;
  const maxCount = niceMax(Math.max(1, ...counts));
  const yOf = (c: number) => TOP + PANEL_H - (c / maxCount) * PANEL_H;
  out.push(`<rect x="${x0}" y="${TOP}" width="${PANEL_W}" height="${PANEL_H}" fill="#fafafa" stroke="#ccc"/>`);
  counts.forEach((c, i) => {
    if (c === 0) return;
    const xa = xOf(edges[i]!);
    const xb = xOf(edges[i + 1]!);
    out.push(`<rect x="${f(xa)}" y="${f(yOf(c))}" width="${f(Math.max(0.5, xb - xa - 0.5))}" height="${f(TOP + PANEL_H - yOf(c))}" fill="#4c78a8"/>`);
  });
  // Ticks at 1, 1.5, 2, 3, 5, 7 × 10^k on the log axis, skipping any too close to the previous one.
  let lastX = -Infinity;
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 1.5, 2, 3, 5, 7]) {
      const v = m * 10 ** e;
      if (v < lo || v > hi) continue;
      const x = xOf(v);
      const label = v >= 1 ? String(v) : v.toPrecision(2);
      if (x - lastX < Math.max(34, label.length * 7 + 10)) continue;
      lastX = x;
      out.push(`<line x1="${f(x)}" y1="${TOP + PANEL_H}" x2="${f(x)}" y2="${TOP + PANEL_H + 5}" stroke="#333"/>`);
      out.push(text(x, TOP + PANEL_H + 18, label, 'font-size="11" text-anchor="middle"'));
    }
  }
  out.push(text(x0 + PANEL_W / 2, TOP + PANEL_H + 36, `${input.label} (ms, log scale)`, 'font-size="12" text-anchor="middle"'));
  out.push(text(x0 - 8, TOP + 10, String(maxCount), 'font-size="11" text-anchor="end"'));
  out.push(text(x0 - 8, TOP + PANEL_H, '0', 'font-size="11" text-anchor="end"'));
  out.push(text(x0 - 8, TOP + PANEL_H / 2, 'count', 'font-size="11" text-anchor="end"'));
  const colors: Record<string, string> = { p50: '#2ca02c', p95: '#ff7f0e', p99: '#d62728' };
  Object.entries(input.marks).forEach(([name, v], i) => {
    if (!Number.isFinite(v)) return;
    const x = xOf(v);
    const color = colors[name] ?? '#000';
    out.push(`<line x1="${f(x)}" y1="${TOP}" x2="${f(x)}" y2="${TOP + PANEL_H}" stroke="${color}" stroke-width="1.5" stroke-dasharray="4 3"/>`);
    out.push(`<line x1="${x0 + 10}" y1="${TOP + 13 + i * 16}" x2="${x0 + 26}" y2="${TOP + 13 + i * 16}" stroke="${color}" stroke-width="2" stroke-dasharray="4 3"/>`);
    out.push(text(x0 + 30, TOP + 17 + i * 16, `${name} ${v} ms`, `font-size="11" fill="${color}"`));
  });
  return out;
}

function throughputPanel(x0: number, input: ChartInput['throughput']): string[] {
  const out: string[] = [];
  // Each per-second bucket is drawn as a step from second i to i+1.
  const len = Math.max(1, ...input.series.map((s) => s.perSecond.length));
  const maxY = niceMax(Math.max(1, input.target ?? 0, ...input.series.flatMap((s) => s.perSecond)));
  const xOf = (i: number) => x0 + (i / len) * PANEL_W;
  const yOf = (v: number) => TOP + PANEL_H - (v / maxY) * PANEL_H;
  out.push(`<rect x="${x0}" y="${TOP}" width="${PANEL_W}" height="${PANEL_H}" fill="#fafafa" stroke="#ccc"/>`);
  for (let k = 1; k <= 4; k++) {
    const v = (maxY * k) / 4;
    out.push(`<line x1="${x0}" y1="${f(yOf(v))}" x2="${x0 + PANEL_W}" y2="${f(yOf(v))}" stroke="#e4e4e4"/>`);
    out.push(text(x0 - 6, yOf(v) + 4, String(Math.round(v)), 'font-size="11" text-anchor="end"'));
  }
  if (input.target !== undefined) {
    out.push(`<line x1="${x0}" y1="${f(yOf(input.target))}" x2="${x0 + PANEL_W}" y2="${f(yOf(input.target))}" stroke="#d62728" stroke-dasharray="6 4"/>`);
    out.push(text(x0 + PANEL_W - 4, yOf(input.target) - 4, `target ${input.target}/s`, 'font-size="11" fill="#d62728" text-anchor="end"'));
  }
  const step = Math.max(1, Math.ceil(len / 10));
  for (let i = 0; i <= len; i += step) {
    out.push(text(xOf(i), TOP + PANEL_H + 18, String(i), 'font-size="11" text-anchor="middle"'));
  }
  input.series.forEach((s, n) => {
    const pts = s.perSecond.map((v, i) => `${f(xOf(i))},${f(yOf(v))} ${f(xOf(i + 1))},${f(yOf(v))}`).join(' ');
    if (pts) out.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<rect x="${x0 + 10}" y="${TOP + 8 + n * 16}" width="10" height="10" fill="${s.color}"/>`);
    out.push(text(x0 + 26, TOP + 17 + n * 16, s.name, 'font-size="11"'));
  });
  out.push(text(x0 + PANEL_W / 2, TOP + PANEL_H + 36, `${input.label} per second, by second of the run (s)`, 'font-size="12" text-anchor="middle"'));
  return out;
}

const LAG_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const LAG_TOP = H + 10;
const LAG_H = 200;

function lagPanel(lag: NonNullable<ChartInput['lag']>): string[] {
  const out: string[] = [];
  const x0 = 60;
  const w = W - x0 - 240;
  const groups = Object.entries(lag.groups).filter(([, v]) => v.some((x) => x > 0));
  const len = Math.max(1, ...groups.map(([, v]) => v.length));
  const maxY = niceMax(Math.max(1, ...groups.flatMap(([, v]) => v.filter(Number.isFinite))));
  const xOf = (i: number) => x0 + (i / len) * w;
  const yOf = (v: number) => LAG_TOP + LAG_H - (v / maxY) * LAG_H;
  out.push(text(20, LAG_TOP - 4, 'consumer lag (records behind the end of the topics) per consumer group', 'font-size="12" font-weight="bold"'));
  out.push(`<rect x="${x0}" y="${LAG_TOP + 6}" width="${w}" height="${LAG_H - 6}" fill="#fafafa" stroke="#ccc"/>`);
  for (let k = 1; k <= 4; k++) {
    const v = (maxY * k) / 4;
    out.push(`<line x1="${x0}" y1="${f(yOf(v))}" x2="${x0 + w}" y2="${f(yOf(v))}" stroke="#e4e4e4"/>`);
    out.push(text(x0 - 6, yOf(v) + 4, String(Math.round(v)), 'font-size="11" text-anchor="end"'));
  }
  const secs = (len * lag.everyMs) / 1000;
  const step = Math.max(1, Math.ceil(secs / 15));
  for (let t = 0; t <= secs; t += step) out.push(text(xOf((t * 1000) / lag.everyMs), LAG_TOP + LAG_H + 16, String(t), 'font-size="11" text-anchor="middle"'));
  out.push(text(x0 + w / 2, LAG_TOP + LAG_H + 32, 'second of the run (s)', 'font-size="12" text-anchor="middle"'));
  groups.forEach(([name, values], n) => {
    const color = LAG_COLORS[n % LAG_COLORS.length]!;
    const pts = values.map((v, i) => (Number.isFinite(v) ? `${f(xOf(i))},${f(yOf(v))}` : '')).filter(Boolean).join(' ');
    if (pts) out.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    out.push(`<rect x="${x0 + w + 16}" y="${LAG_TOP + 10 + n * 16}" width="10" height="10" fill="${color}"/>`);
    out.push(text(x0 + w + 32, LAG_TOP + 19 + n * 16, name, 'font-size="11"'));
  });
  return out;
}

export function chartSvg(input: ChartInput): string {
  const h = input.lag ? LAG_TOP + LAG_H + 44 : H;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif">`,
    `<rect width="${W}" height="${h}" fill="#fff"/>`,
    text(20, 26, input.title, 'font-size="16" font-weight="bold"'),
    ...(input.subtitle ? [text(20, 46, input.subtitle, 'font-size="12" fill="#555"')] : []),
    ...latencyPanel(60, input.latency),
    ...throughputPanel(W - PANEL_W - 20, input.throughput),
    ...(input.lag ? lagPanel(input.lag) : []),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}
