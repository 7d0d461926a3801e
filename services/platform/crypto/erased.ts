import { Counter, type Registry } from 'prom-client';

/** A sealed field whose data key is destroyed: erased data (GDPR), skipped quietly, never set aside. */
export class ErasedError extends Error {
  readonly accountId: string;
  constructor(accountId: string, keyId: string) {
    super(`data key ${keyId} of account ${accountId} is destroyed: the record is erased`);
    this.name = 'ErasedError';
    this.accountId = accountId;
  }
}

export const isErased = (err: unknown): err is ErasedError => err instanceof ErasedError;

/** Erased records this thread's consumers and projectors skipped, also counted in each registry given. */
let skipped = 0;
const counters: Counter[] = [];

export function countErased(): void {
  skipped++;
  for (const c of counters) c.inc();
}

export const erasedRecordsSkipped = (): number => skipped;

/** Adds mittr_erased_records_skipped_total to a metrics registry (once per registry). */
export function registerErasedMetric(registry: Registry): void {
  if (registry.getSingleMetric('mittr_erased_records_skipped_total')) return;
  const counter = new Counter({ name: 'mittr_erased_records_skipped_total', help: 'Records skipped because their workspace data key was destroyed (erased data)', registers: [registry] });
  counter.inc(skipped);
  counters.push(counter);
}
