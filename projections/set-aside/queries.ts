import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

/**
 * What an operator must know of the read models: records set aside (ARCHITECTURE 12: a record
 * a projector or processor could not apply, in set_aside_records) and, for a week, each time a
 * projector found its log reset and rebuilt its read model from the new one.
 */
export async function readModelNotices(db: DatabasePool) {
  const notices = await db.one(sql.type(z.object({ records: z.number(), latest: z.number().nullable(), resets: z.array(z.object({ projector: z.string(), reason: z.string(), at: z.string() })) }))`
    SELECT (SELECT count(*)::int FROM set_aside_records) AS records,
           (SELECT (extract(epoch FROM max(set_aside_at)) * 1000)::float8 FROM set_aside_records) AS latest,
           coalesce((SELECT json_agg(json_build_object('projector', projector, 'reason', reason, 'at', reset_at) ORDER BY id DESC)
                     FROM (SELECT * FROM projection_resets WHERE reset_at > now() - interval '7 days' ORDER BY id DESC LIMIT 20) r), '[]') AS resets`);
  return {
    setAside: { records: notices.records, latestAt: notices.latest === null ? null : new Date(notices.latest).toISOString() },
    logResets: notices.resets,
  };
}
