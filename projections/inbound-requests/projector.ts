import { sql } from 'slonik';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { InboundRequestReceived } from '../../services/inbound/domain/messages.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { ts } from '../events/projector.ts';
import { sealedOf } from '../../services/data-keys/fields.ts';

const isReceived = (e: DomainEvent): e is InboundRequestReceived => e.type === 'InboundRequestReceived';

/**
 * inbound_requests: every request an inbound endpoint received, verified or refused; one row each,
 * written once. Headers and body are kept sealed as the log holds them; queries.ts opens them.
 */
export function inboundRequestsProjection(topics: { inboundRequests: string }): Projection {
  return {
    name: 'inbound-requests',
    topics: [topics.inboundRequests],
    tables: ['inbound_requests'],
    async apply(tx, events) {
      const received = events.filter(isReceived);
      if (received.length === 0) return;
      const rows = received.map((r) => sql.fragment`(${r.requestId}, ${r.inboundEndpointId}, ${r.accountId}, ${r.projectId}, ${ts(r.receivedAt)},
        ${r.method}, ${r.url}, ${sql.jsonb({ ...sealedOf(r, 'headers') })}, ${sql.binary(Buffer.from(sealedOf(r, 'body')))}, ${r.verified}, ${r.reason}, ${r.detail},
        ${r.deliveryId}, ${r.eventType}, ${r.eventId}, ${r.duplicate}, ${r.status})`);
      await tx.query(sql.unsafe`
        INSERT INTO inbound_requests (id, inbound_endpoint_id, account_id, project_id, received_at, method, url, headers, body,
          verified, reason, detail, delivery_id, event_type, event_id, duplicate, status)
        VALUES ${sql.join(rows, sql.fragment`, `)}
        ON CONFLICT (id) DO NOTHING`);
    },
  };
}
