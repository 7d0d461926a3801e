import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { DomainError } from '../platform/domain/errors.ts';
import type { EventTypeState } from './domain/evolve.ts';
import { nameTakeover } from './domain/name.ts';

const holderRow = z.object({ event_type_id: z.string() });
/** A name reservation whose create never reached the log (a crash in between) is free after this. */
const ABANDONED_AFTER = sql.fragment`interval '1 minute'`;

/**
 * The event types' reservations (tables of the API's own, not read models): a name per project
 * (event_type_names) and each version of an event type once (event_type_commands).
 */
export class EventTypeReservations {
  private readonly db: DatabasePool;
  private readonly known: (eventTypeId: string) => EventTypeState | undefined;
  constructor(db: DatabasePool, known: (eventTypeId: string) => EventTypeState | undefined) {
    this.db = db;
    this.known = known;
  }

  /** Reserves the new versions (and, for a create, the name) in one transaction. */
  async reserve(versions: number[], next: EventTypeState, creates: boolean): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (creates) await this.reserveName(tx, next);
      const reserved = await tx.any(sql.unsafe`
        INSERT INTO event_type_commands (event_type_id, version)
        SELECT ${next.eventTypeId}, v FROM unnest(${sql.array(versions, 'int4')}) AS v
        ON CONFLICT DO NOTHING RETURNING version`);
      if (reserved.length !== versions.length) throw new DomainError('CONFLICT', 'the event type was changed concurrently; read it again and retry');
    });
  }

  /** Undoes `reserve` after a failed append, so a retry can take the same name and versions. */
  async release(versions: number[], next: EventTypeState, creates: boolean): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(sql.unsafe`DELETE FROM event_type_commands WHERE event_type_id = ${next.eventTypeId}
        AND version = ANY(${sql.array(versions, 'int4')})`);
      if (creates) await freeName(tx, next);
    });
  }

  /** Frees the name of a deleted event type (a name left behind is taken over by the next create). */
  async freeName(et: EventTypeState): Promise<void> {
    await this.db.transaction((tx) => freeName(tx, et));
  }

  /** Takes the name for a new event type: free, or held by one that nameTakeover gives up. */
  private async reserveName(tx: DatabaseTransactionConnection, et: EventTypeState): Promise<void> {
    const { projectId, eventTypeId } = et;
    const name = et.definition.name;
    const taken = await tx.maybeOne(sql.type(holderRow)`
      INSERT INTO event_type_names (project_id, name, event_type_id) VALUES (${projectId}, ${name}, ${eventTypeId})
      ON CONFLICT DO NOTHING RETURNING event_type_id`);
    if (taken) return;
    const holder = await tx.maybeOne(sql.type(holderRow)`
      SELECT event_type_id FROM event_type_names WHERE project_id = ${projectId} AND name = ${name} FOR UPDATE`);
    const takeover = holder ? nameTakeover(this.known(holder.event_type_id)) : 'never';
    const stolen = takeover === 'never' ? null : await tx.maybeOne(sql.type(holderRow)`
      UPDATE event_type_names SET event_type_id = ${eventTypeId}, reserved_at = now()
      WHERE project_id = ${projectId} AND name = ${name} AND event_type_id = ${holder!.event_type_id}
        AND (${takeover === 'now'} OR reserved_at < now() - ${ABANDONED_AFTER})
      RETURNING event_type_id`);
    if (!stolen) throw new DomainError('CONFLICT', `an event type named ${name} already exists`, holder ? { eventTypeId: holder.event_type_id } : undefined);
  }
}

function freeName(tx: DatabaseTransactionConnection, et: EventTypeState) {
  return tx.query(sql.unsafe`DELETE FROM event_type_names
    WHERE project_id = ${et.projectId} AND name = ${et.definition.name} AND event_type_id = ${et.eventTypeId}`);
}
