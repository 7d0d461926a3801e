/** Memory and CPU of the benchmark's processes and of the whole machine, from /proc. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const CLK_TCK = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100; } catch { return 100; }
})();

/** Resident memory now and at its peak (VmHWM), in MB; null once the process is gone. */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** User + system CPU seconds the process has used so far; null once it is gone. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14, 15)
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine (/proc/stat), to see what else ran during a window. */
function machineJiffies(): { busy: number; total: number } {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - (cpu[3] ?? 0) - (cpu[4] ?? 0), total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** CPU seconds of every process on the machine, with a short command line. */
function allProcesses(): Map<number, { cpu: number; cmd: string; comm: string }> {
  const out = new Map<number, { cpu: number; cmd: string; comm: string }>();
  let entries: string[];
  try { entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e)); } catch { return out; }
  for (const e of entries) {
    const pid = Number(e);
    const cpu = cpuSecondsOf(pid);
    if (cpu === null) continue;
    let cmd = '';
    let comm = '';
    try { comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { /* gone */ }
    try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).map((a) => a.replace(/^.*\/(?=[^/]+$)/, '')).join(' '); } catch { /* gone */ }
    out.set(pid, { cpu, cmd: cmd.slice(0, 120), comm });
  }
  return out;
}

export type TopRow = { pid: number; name: string; coresUsed: number };

/**
 * Samples every watched process's RSS every `everyMs` (and keeps VmHWM, the kernel's own peak),
 * and its CPU time at `mark()` and `stop()`, for peak-memory and CPU-share figures.
 */
export class ProcessMonitor {
  private readonly peaks = new Map<string, number>();
  private readonly pids = new Map<string, number>();
  private readonly cpuAtMark = new Map<string, number>();
  private readonly cpuAtStop = new Map<string, number>();
  private markedAt = 0;
  private stoppedAt = 0;
  private machineAtMark = { busy: 0, total: 0 };
  private machineAtStop = { busy: 0, total: 0 };
  private procsAtMark = new Map<number, { cpu: number; cmd: string; comm: string }>();
  private procsAtStop = new Map<number, { cpu: number; cmd: string; comm: string }>();
  private timer?: NodeJS.Timeout;

  watch(name: string, pid: number): void {
    this.pids.set(name, pid);
    this.sampleOne(name, pid);
    if (this.markedAt) this.cpuAtMark.set(name, cpuSecondsOf(pid) ?? 0);
  }

  start(everyMs = 500): void {
    this.timer = setInterval(() => { for (const [n, p] of this.pids) this.sampleOne(n, p); }, everyMs);
  }

  /** Starts the CPU window (the measured part of a scenario). */
  mark(): void {
    this.markedAt = Date.now();
    this.machineAtMark = machineJiffies();
    this.procsAtMark = allProcesses();
    for (const [n, p] of this.pids) this.cpuAtMark.set(n, cpuSecondsOf(p) ?? 0);
  }

  /** Ends the window; call while the processes still run. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.stoppedAt) return;
    this.stoppedAt = Date.now();
    this.machineAtStop = machineJiffies();
    this.procsAtStop = allProcesses();
    for (const [n, p] of this.pids) {
      this.sampleOne(n, p);
      const c = cpuSecondsOf(p);
      if (c !== null) this.cpuAtStop.set(n, c);
    }
  }

  private sampleOne(name: string, pid: number): void {
    const m = memoryOf(pid);
    if (!m) return;
    this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, m.rssMb, m.hwmMb));
  }

  peakRssMb(names: string[]): Record<string, number> {
    return Object.fromEntries(names.filter((n) => this.peaks.has(n)).map((n) => [n, Math.round(this.peaks.get(n)!)]));
  }

  /** Length of the measured window in seconds. */
  windowSec(): number {
    return Math.max(1e-3, ((this.stoppedAt || Date.now()) - (this.markedAt || Date.now())) / 1000);
  }

  /** Cores the whole machine kept busy during the window (every process: the stack, the bench, anyone else's). */
  machineCoresBusy(): number | null {
    const total = this.machineAtStop.total - this.machineAtMark.total;
    if (!(total > 0)) return null;
    return Math.round(((this.machineAtStop.busy - this.machineAtMark.busy) / total) * os.cpus().length * 100) / 100;
  }

  /**
   * The processes that used the most CPU during the window, whoever started them (the stack's
   * Kafka/Postgres/registry, the bench's own, anything else on the box), named by the harness's
   * name for its children and by command line otherwise. Postgres runs a process per connection;
   * those are summed into one row, so its share is not spread thin over a dozen backends.
   */
  machineTop(n = 8): TopRow[] {
    const windowSec = Math.max(1e-3, (this.stoppedAt - this.markedAt) / 1000);
    const names = new Map([...this.pids].map(([name, pid]) => [pid, name]));
    const rows: TopRow[] = [];
    const postgres = { pid: 0, count: 0, used: 0 };
    for (const [pid, b] of this.procsAtStop) {
      const used = b.cpu - (this.procsAtMark.get(pid)?.cpu ?? 0);
      if (used <= 0) continue;
      if (b.comm === 'postgres') {
        postgres.count++;
        postgres.used += used;
        postgres.pid ||= pid;
        continue;
      }
      rows.push({ pid, name: names.has(pid) ? `bench:${names.get(pid)}` : b.cmd, coresUsed: Math.round((used / windowSec) * 100) / 100 });
    }
    if (postgres.count) rows.push({ pid: postgres.pid, name: `postgres (${postgres.count} processes)`, coresUsed: Math.round((postgres.used / windowSec) * 100) / 100 });
    return rows.sort((a, b) => b.coresUsed - a.coresUsed).slice(0, n);
  }

  /** CPU seconds used inside the window and the share of one core it amounts to. */
  cpu(names: string[]): Record<string, { cpuSec: number; coresUsed: number }> {
    const windowSec = Math.max(1e-3, ((this.stoppedAt || Date.now()) - (this.markedAt || Date.now())) / 1000);
    const out: Record<string, { cpuSec: number; coresUsed: number }> = {};
    for (const n of names) {
      const a = this.cpuAtMark.get(n);
      const b = this.cpuAtStop.get(n);
      if (a === undefined || b === undefined) continue;
      out[n] = { cpuSec: Math.round((b - a) * 10) / 10, coresUsed: Math.round(((b - a) / windowSec) * 100) / 100 };
    }
    return out;
  }
}
