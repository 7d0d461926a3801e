import { sql } from 'slonik';
import { z } from 'zod';
import type { DomainEvent } from '../../services/capabilities.ts';
import { evolve, type InboundState } from '../../services/inbound/domain/evolve.ts';
import { INBOUND_ENDPOINT_EVENT_TYPES, type InboundEndpointEvent } from '../../services/inbound/domain/messages.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { ts } from '../events/projector.ts';

const stateRow = z.object({ state: z.unknown() });
/** Avro decodes records as class instances; the JSON column wants plain objects. */
const plain = (o: object) => JSON.parse(JSON.stringify(o));
const types = new Set<string>(INBOUND_ENDPOINT_EVENT_TYPES);
const isInbound = (e: DomainEvent): e is InboundEndpointEvent => types.has(e.type);

/** inbound_endpoints: each inbound endpoint's current state, folded by the domain's evolve. */
export function inboundEndpointsProjection(topics: { inboundEndpoints: string }): Projection {
  return {
    name: 'inbound-endpoints',
    topics: [topics.inboundEndpoints],
    tables: ['inbound_endpoints'],
    async apply(tx, events) {
      for (const e of events.filter(isInbound)) {
        const row = await tx.maybeOne(sql.type(stateRow)`SELECT state FROM inbound_endpoints WHERE id = ${e.inboundEndpointId} FOR UPDATE`);
        const current = row?.state as InboundState | undefined;
        if (current && current.version >= e.version) continue;
        const next = evolve(current, e);
        if (!next) continue;
        await tx.query(sql.unsafe`
          INSERT INTO inbound_endpoints (id, account_id, project_id, state, deleted, created_at, updated_at)
          VALUES (${next.inboundEndpointId}, ${next.accountId}, ${next.projectId}, ${sql.jsonb(plain(next))},
                  ${next.deleted}, ${ts(next.createdAt)}, ${ts(next.updatedAt)})
          ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, deleted = EXCLUDED.deleted, updated_at = EXCLUDED.updated_at`);
      }
    },
  };
}
