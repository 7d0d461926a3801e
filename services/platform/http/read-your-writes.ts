import type { DatabasePool } from 'slonik';
import { checkpointsOf, hasPassed } from '../projection/runner.ts';
import type { ApiContext, RecentWrites } from './context.ts';

/**
 * Reads something this process may have just written (ARCHITECTURE 10): when the id has a recent
 * write, waits (bounded) for the projector that write names to pass its offsets before querying,
 * so the caller sees its own create, update or delete instead of a 404 or a stale row.
 */
export async function readYourWrites<T>(
  ctx: ApiContext, id: string, query: () => Promise<T | null>, timeoutMs = 5_000,
): Promise<T | null> {
  const write = ctx.recent.get(id);
  if (write) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (hasPassed(await checkpointsOf(ctx.db, [write.projector]), write.projector, write.positions)) {
        ctx.recent.forget(id, write);
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  return query();
}

/**
 * Every `intervalMs`, while `recent` holds entries, reads its projectors' checkpoints and drops
 * the entries they have passed. Answers a function that stops it. A failed read (Postgres away)
 * leaves the entries until a later round.
 */
export function sweepRecentWrites(recent: RecentWrites, db: DatabasePool, intervalMs = 1_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running || recent.size === 0) return;
    running = true;
    checkpointsOf(db, [...recent.projectors()])
      .then((checkpoints) => { recent.sweep(checkpoints); })
      .catch(() => undefined)
      .finally(() => { running = false; });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
