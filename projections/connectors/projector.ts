import { sql } from 'slonik';
import { z } from 'zod';
import type { ConnectorEvent } from '../../services/connectors/domain/messages.ts';
import { evolve, type ConnectorState } from '../../services/connectors/domain/evolve.ts';
import type { DomainEvent } from '../../services/capabilities.ts';
import { ts } from '../events/projector.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';

const stateRow = z.object({ state: z.unknown() });
/** Avro decodes records as class instances; the JSON column wants plain objects. */
const plain = (o: object) => JSON.parse(JSON.stringify(o));
const isConnectorEvent = (x: DomainEvent): x is ConnectorEvent => x.type === 'ConnectorCreated' || x.type === 'ConnectorUpdated' || x.type === 'ConnectorDeleted';

/** connectors: each connector's current state (secrets still sealed), folded by the domain's evolve. */
export function connectorsProjection(topics: { connectors: string }): Projection {
  return {
    name: 'connectors',
    topics: [topics.connectors],
    tables: ['connectors'],
    async apply(tx, events) {
      for (const e of events.filter(isConnectorEvent)) {
        const row = await tx.maybeOne(sql.type(stateRow)`SELECT state FROM connectors WHERE id = ${e.connectorId} FOR UPDATE`);
        const current = row?.state as ConnectorState | undefined;
        if (current && current.version >= e.version) continue;
        const next = evolve(current, e);
        if (!next) continue;
        await tx.query(sql.unsafe`
          INSERT INTO connectors (id, account_id, project_id, name, state, deleted, created_at, updated_at)
          VALUES (${next.connectorId}, ${next.accountId}, ${next.projectId}, ${next.definition.name}, ${sql.jsonb(plain(next))},
                  ${next.deleted}, ${ts(next.createdAt)}, ${ts(next.updatedAt)})
          ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, state = EXCLUDED.state, deleted = EXCLUDED.deleted, updated_at = EXCLUDED.updated_at`);
      }
    },
  };
}
