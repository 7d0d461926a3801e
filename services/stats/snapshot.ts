import type { Static } from 'typebox';
import { projectCounts } from '../../projections/events/stats-queries.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { lagReader, type Lag } from '../platform/projection/lag.ts';
import { FreshCache } from '../platform/fresh.ts';
import type { Stats } from './contract.ts';

export type StatsSnapshot = Static<typeof Stats>;

/** Project counts are read at most once a second per project, however many callers (requests, streams) ask. */
const FRESH_MS = 1_000;

const shown = (lag: Lag) => ({ ...lag, measuredAt: new Date(lag.measuredAt).toISOString() });

export type StatsSource = { snapshot(projectId: string): Promise<StatsSnapshot>; stop(): Promise<void> };

const sources = new WeakMap<ApiContext, StatsSource>();

/**
 * The stats of a project: its counts from the events read model and the deployment's lag. One
 * per API context, so GET /stats and the stats stream share it: `snapshot` is what the route
 * answers and what a stream can call every second, and concurrent or repeated calls within a
 * second share one read of Postgres per project and one of Kafka. Lag that cannot be read
 * (Kafka away) is null; the counts are still given.
 */
export function statsSource(ctx: ApiContext): StatsSource {
  let source = sources.get(ctx);
  if (!source) {
    const lag = lagReader(ctx);
    const counts = new FreshCache(FRESH_MS, async (projectId: string) => {
      const at = Date.now();
      return { at, ...await projectCounts(ctx.db, projectId, at) };
    });
    source = {
      async snapshot(projectId) {
        const [{ at, ...c }, l] = await Promise.all([counts.get(projectId), lag.read().then(shown, () => null)]);
        return { projectId, at: new Date(at).toISOString(), ...c, lag: l };
      },
      stop: () => lag.stop(),
    };
    sources.set(ctx, source);
  }
  return source;
}
