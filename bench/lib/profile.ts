/**
 * Summarizes a V8 .cpuprofile (written by `node --cpu-prof`): where the process spent its CPU,
 * by function (self time), by file or package (self time), and by project function including
 * what it calls (total time).
 */
import { readFileSync } from 'node:fs';

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

export type Row = { name: string; ms: number; pct: number };
export type ProfileSummary = { file: string; totalMs: number; bySelf: Row[]; byFile: Row[]; projectTotal: Row[]; byCaller: Row[] };

/** Shortens a script URL to a repo-relative path, or `pkg:<name>` for node_modules, or `node:<x>`. */
export function where(url: string): string {
  if (!url) return '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `pkg:${nm[1]}`;
  const repo = /\/(services|projections|bench|test)\/(.*)$/.exec(url);
  if (repo) return `${repo[1]}/${repo[2]}`;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

function label(cf: CallFrame): string {
  return `${cf.functionName || '(anonymous)'} ${where(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
}

const top = (m: Map<string, number>, total: number, n: number): Row[] =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((us / total) * 1000) / 10 }));

export function summarizeProfile(file: string, n = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((s, v) => s + v, 0) || 1;
  const idle = new Set(['(idle)']);

  const bySelf = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of self) {
    const cf = byId.get(id)!.callFrame;
    if (idle.has(cf.functionName)) continue;
    const k = label(cf);
    bySelf.set(k, (bySelf.get(k) ?? 0) + us);
    const f = cf.url ? where(cf.url) : cf.functionName;
    byFile.set(f, (byFile.get(f) ?? 0) + us);
  }

  // Total (inclusive) time of project functions: a sample counts once per distinct project frame on its stack.
  const parent = new Map<number, number>();
  for (const node of p.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const projectTotal = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      if (!/\/(services|projections)\//.test(cf.url) || cf.url.includes('node_modules')) continue;
      const k = label(cf);
      if (seen.has(k)) continue;
      seen.add(k);
      projectTotal.set(k, (projectTotal.get(k) ?? 0) + us);
    }
  }
  // Self time spent in Node's or V8's own code (socket writes, crypto, GC...), charged to the
  // nearest package or project function on the stack: who made the process write to sockets.
  const byCaller = new Map<string, number>();
  for (const [id, us] of self) {
    const cf = byId.get(id)!.callFrame;
    if (idle.has(cf.functionName) || (cf.url && !cf.url.startsWith('node:'))) continue;
    let caller = '(no package caller)';
    for (let cur = parent.get(id); cur !== undefined; cur = parent.get(cur)) {
      const pcf = byId.get(cur)!.callFrame;
      if (pcf.url && !pcf.url.startsWith('node:')) { caller = label(pcf); break; }
    }
    const k = `${cf.functionName || '(anonymous)'} <- ${caller}`;
    byCaller.set(k, (byCaller.get(k) ?? 0) + us);
  }
  const busy = total - (byFile.get('(idle)') ?? 0);
  return {
    file, totalMs: Math.round(busy / 1000),
    bySelf: top(bySelf, total, n), byFile: top(byFile, total, n), projectTotal: top(projectTotal, total, n),
    byCaller: top(byCaller, total, n),
  };
}

export function formatSummary(s: ProfileSummary): string {
  const block = (title: string, rows: Row[]) =>
    [`  ${title}`, ...rows.map((r) => `    ${String(r.pct).padStart(5)} %  ${String(r.ms).padStart(7)} ms  ${r.name}`)].join('\n');
  return [
    `${s.file} (busy ${s.totalMs} ms; percentages of the profile's wall time)`,
    block('self time by function', s.bySelf),
    block('self time by file / package', s.byFile),
    block('total time of project functions (incl. callees)', s.projectTotal),
    block('Node/V8 internal self time by nearest package or project caller', s.byCaller),
  ].join('\n');
}
