import { hasReached } from '../../projections/runner.ts';
import type { ApiContext } from './context.ts';

/**
 * Looks something up; if it is missing but this process wrote it recently, waits (bounded) for
 * the projector to pass the write's offset and looks again.
 */
export async function readYourWrites<T>(
  ctx: ApiContext, projector: string, id: string, query: () => Promise<T | null>, timeoutMs = 5_000,
): Promise<T | null> {
  const first = await query();
  const positions = ctx.recent.get(id);
  if (first !== null || !positions) return first;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reached = await Promise.all(positions.map((p) => hasReached(ctx.db, projector, p.topic, p.partition, p.offset)));
    if (reached.every(Boolean)) return query();
    await new Promise((r) => setTimeout(r, 10));
  }
  return query();
}
