import type { Outgoing } from '../kafka/processor.ts';
import type { Position } from '../kafka/appender.ts';
import type { ApiContext } from './context.ts';
import { withinDeadline } from './deadline.ts';
import { DomainError } from '../domain/errors.ts';
import { currentActor } from './actor.ts';

/** One command's records and what a read right after it waits for. */
export type CommandWrite = {
  records: Outgoing[];
  /** The read model that shows the write, and the ids it is read by (read-your-writes). */
  readModel: string;
  ids: string[];
  /** Frees what the command reserved before appending (a command that reserved nothing has none). */
  release?: () => Promise<unknown>;
};

/**
 * The append step of a command (load, decide, reserve, append), recording the request's actor
 * in each record. The caller gets a 503 when
 * Kafka does not take the records within the deadline. An append that fails frees the
 * reservation (before the answer, so a corrected retry may take it at once); one that is only
 * late keeps it until its outcome is known, so a retry never writes the same change twice.
 */
export async function appendReserved(ctx: ApiContext, write: CommandWrite): Promise<Position[]> {
  // Each record says who made the change (the audit log); a schema without `actor` ignores it.
  const actor = currentActor();
  const appended = ctx.appender.append(write.records.map((r) => ({ ...r, event: { ...r.event, actor } })));
  const released = appended.then(() => undefined, () => write.release?.().catch(() => undefined));
  let positions: Position[];
  try {
    positions = await withinDeadline(appended, 'the event log');
  } catch (err) {
    if (!(err instanceof DomainError && err.code === 'SERVICE_UNAVAILABLE')) await released;
    throw err;
  }
  ctx.recent.remember(write.readModel, write.ids, positions);
  return positions;
}
