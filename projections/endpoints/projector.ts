import { sql } from 'slonik';
import { z } from 'zod';
import type { EndpointEvent } from '../../services/endpoints/domain/messages.ts';
import { evolve, type EndpointState } from '../../services/endpoints/domain/evolve.ts';
import type { DomainEvent } from '../../services/capabilities.ts';
import { ts } from '../events/projector.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';

const stateRow = z.object({ state: z.unknown() });
/** Avro decodes records as class instances; the JSON column wants plain objects. */
const plain = (o: object) => JSON.parse(JSON.stringify(o));

/** endpoints (current state, folded by the domain's evolve) and endpoint_versions (one row per change). */
export function endpointsProjection(topics: { endpoints: string }): Projection {
  return {
    name: 'endpoints',
    topics: [topics.endpoints],
    tables: ['endpoints', 'endpoint_versions'],
    async apply(tx, events) {
      for (const e of events.filter((x: DomainEvent): x is EndpointEvent => x.type.startsWith('Endpoint'))) {
        const row = await tx.maybeOne(sql.type(stateRow)`SELECT state FROM endpoints WHERE id = ${e.endpointId} FOR UPDATE`);
        const current = row?.state as EndpointState | undefined;
        const circuit = e.type === 'EndpointCircuitChanged';
        if (current && (circuit ? e.at < current.circuit.changedAt : current.version >= e.version)) continue;
        const next = evolve(current, e);
        if (!next) continue;
        await tx.query(sql.unsafe`
          INSERT INTO endpoints (id, account_id, project_id, state, deleted, created_at, updated_at)
          VALUES (${next.endpointId}, ${next.accountId}, ${next.projectId}, ${sql.jsonb(plain(next))}, ${next.deleted},
                  ${ts(next.createdAt)}, ${ts(next.updatedAt)})
          ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, deleted = EXCLUDED.deleted, updated_at = EXCLUDED.updated_at`);
        if (circuit) continue; // breaker state is shown on the endpoint, it is not a configuration version
        await tx.query(sql.unsafe`
          INSERT INTO endpoint_versions (endpoint_id, version, change, config, paused, rolled_back_to, at)
          VALUES (${e.endpointId}, ${e.version}, ${e.type}, ${sql.jsonb(plain(next.config))}, ${next.paused},
                  ${e.type === 'EndpointUpdated' ? e.rolledBackTo : null}, ${ts(e.at)})
          ON CONFLICT DO NOTHING`);
      }
    },
  };
}
