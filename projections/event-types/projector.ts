import { sql } from 'slonik';
import { z } from 'zod';
import type { EventTypeEvent } from '../../services/event-types/domain/messages.ts';
import { evolve, type EventTypeState } from '../../services/event-types/domain/evolve.ts';
import type { DomainEvent } from '../../services/capabilities.ts';
import { ts } from '../events/projector.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';

const stateRow = z.object({ state: z.unknown() });
/** Avro decodes records as class instances; the JSON column wants plain objects. */
const plain = (o: object) => JSON.parse(JSON.stringify(o));

/** event_types: each event type's current state, folded by the domain's evolve. */
export function eventTypesProjection(topics: { eventTypes: string }): Projection {
  return {
    name: 'event-types',
    topics: [topics.eventTypes],
    tables: ['event_types'],
    async apply(tx, events) {
      for (const e of events.filter((x: DomainEvent): x is EventTypeEvent => x.type.startsWith('EventType'))) {
        const row = await tx.maybeOne(sql.type(stateRow)`SELECT state FROM event_types WHERE id = ${e.eventTypeId} FOR UPDATE`);
        const current = row?.state as EventTypeState | undefined;
        if (current && current.version >= e.version) continue;
        const next = evolve(current, e);
        if (!next) continue;
        await tx.query(sql.unsafe`
          INSERT INTO event_types (id, account_id, project_id, name, state, deleted, created_at, updated_at)
          VALUES (${next.eventTypeId}, ${next.accountId}, ${next.projectId}, ${next.definition.name}, ${sql.jsonb(plain(next))},
                  ${next.deleted}, ${ts(next.createdAt)}, ${ts(next.updatedAt)})
          ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, deleted = EXCLUDED.deleted, updated_at = EXCLUDED.updated_at`);
      }
    },
  };
}
