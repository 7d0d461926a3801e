import { hasReached } from '../../projections/runner.ts';
import type { ApiContext } from './context.ts';

/**
 * Reads something this process may have just written (ARCHITECTURE 10): when the id has a recent
 * write, waits (bounded) for the projector to pass the write's offsets before querying, so the
 * caller sees its own create, update or delete instead of a 404 or a stale row.
 */
export async function readYourWrites<T>(
  ctx: ApiContext, projector: string, id: string, query: () => Promise<T | null>, timeoutMs = 5_000,
): Promise<T | null> {
  const positions = ctx.recent.get(id);
  if (positions) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const reached = await Promise.all(positions.map((p) => hasReached(ctx.db, projector, p.topic, p.partition, p.offset)));
      if (reached.every(Boolean)) {
        ctx.recent.forget(id, positions);
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  return query();
}
