/** Judging the figures against the targets, and the table printed per scenario. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS, TARGETS, type Figures, type Opts, type Report, type Scenario } from './config.ts';

export function lookup(figures: Figures, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), figures);
}

export function judge(scenario: Scenario, opts: Opts, figures: Figures): Report['targets'] {
  return TARGETS[scenario].filter((t) => !t.onlyAllRoles || !opts.split).map((t) => {
    const raw = lookup(figures, t.figure);
    const value = typeof raw === 'boolean' ? Number(raw) : raw;
    // Correctness figures (order, loss, identity) are judged in --quick too; speed is not.
    const correctness = ['orderViolations', 'lost', 'identical'].includes(t.figure);
    const met = (opts.quick && !correctness) || typeof value !== 'number' || !Number.isFinite(value) ? null : t.op === '>=' ? value >= t.value : value <= t.value;
    return { figure: t.figure, target: `${t.op} ${t.value}`, value: raw, met };
  });
}

export function flatten(o: unknown, prefix = ''): Array<[string, string]> {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return [[prefix, Array.isArray(o) ? o.join(' ') : String(o)]];
  return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}

export function printTable(r: Report): void {
  const targets = new Map(r.targets.map((t) => [t.figure, t]));
  const rows = flatten(r.figures).map(([k, v]) => {
    const t = targets.get(k);
    const verdict = !t ? '' : t.met === null ? `${t.target} (not judged)` : `${t.target} ${t.met ? 'MET' : 'MISSED'}`;
    return [k, v, verdict] as const;
  });
  const w0 = Math.max(...rows.map((x) => x[0].length), 6);
  const w1 = Math.max(...rows.map((x) => x[1].length), 5);
  console.log(`\n${r.scenario}${r.quick ? ' (quick: speed not judged)' : ''}, roles ${r.roles}`);
  console.log(`  ${'figure'.padEnd(w0)}  ${'value'.padStart(w1)}  target`);
  for (const [k, v, t] of rows) console.log(`  ${k.padEnd(w0)}  ${v.padStart(w1)}  ${t}`);
  if (r.machineTop.length) {
    console.log('  busiest processes on the machine meanwhile (cores):');
    for (const p of r.machineTop) console.log(`    ${p.coresUsed.toFixed(2).padStart(5)}  ${p.name}`);
  }
}

export function readSingleRate(opts: Opts): { value: number; basis: string } | null {
  const file = join(RESULTS, 'ingest-single.json');
  if (!existsSync(file)) return null;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Report;
    if (r.quick !== opts.quick || r.roles !== (opts.split ? 'split' : 'all')) return null;
    const v = Number(r.figures.eventsPerSec);
    return Number.isFinite(v) && v > 0 ? { value: v, basis: `bench/results/ingest-single.json of ${r.startedAt}` } : null;
  } catch {
    return null;
  }
}
