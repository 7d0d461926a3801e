import { z } from 'zod';
import { releaseAcks, reserveAcks, type AckTarget } from '../../projections/poll/queries.ts';
import type { EndpointState } from '../endpoints/domain/evolve.ts';
import { DomainError } from '../platform/domain/errors.ts';
import { appendReserved } from '../platform/http/append.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { Principal } from '../platform/http/principal.ts';
import { ackedAttempt } from './queue.ts';

const isUuid = (id: string) => z.uuid().safeParse(id).success;

/** The poll commands: which endpoint a caller may poll, and acks (reserve the messages, append their delivered attempts). */
export function pollCommands(ctx: ApiContext) {
  /** The caller's poll endpoint: 404 when not the caller's, 409 when it does not deliver by poll. */
  function pollEndpoint(p: Principal, id: string): EndpointState {
    const s = isUuid(id) ? ctx.store.state.endpoints.get(id) : undefined;
    if (!s || s.accountId !== p.accountId || s.projectId !== p.projectId || s.deleted) {
      throw new DomainError('NOT_FOUND', 'endpoint not found');
    }
    if (s.config.deliveryMode !== 'poll') {
      throw new DomainError('INVALID_STATE', `endpoint ${id} has deliveryMode ${s.config.deliveryMode}: only poll endpoints can be polled`);
    }
    return s;
  }

  function ackTarget(p: Principal, body: { ids?: string[]; endpoint_id?: string; event_ids?: string[] }): AckTarget {
    if (body.ids && body.endpoint_id === undefined && body.event_ids === undefined) return { ids: body.ids };
    if (!body.ids && body.endpoint_id !== undefined && body.event_ids) {
      return { endpointId: pollEndpoint(p, body.endpoint_id).endpointId, eventIds: body.event_ids };
    }
    throw new DomainError('VALIDATION_ERROR', 'give either ids, or endpoint_id with event_ids');
  }

  /**
   * Acknowledges messages: each one reserved once (acking twice is harmless) and recorded as
   * delivered, a DeliveryAttempted on the outcomes topic, so its event's status follows.
   */
  async function ack(p: Principal, body: { ids?: string[]; endpoint_id?: string; event_ids?: string[] }) {
    const target = ackTarget(p, body);
    const { reserved, named } = await reserveAcks(ctx.db, p, target);
    if (reserved.length > 0) {
      const at = Date.now();
      const attempts = reserved.map((m) => ackedAttempt(m, at));
      // GET /events/{id} right after the ack waits for the delivered status (ARCHITECTURE 10).
      await appendReserved(ctx, {
        records: attempts.map((a) => ({ topic: ctx.topics.outcomes, key: a.eventId, event: a })),
        readModel: 'events', ids: attempts.map((a) => a.eventId), release: () => releaseAcks(ctx.db, reserved.map((m) => m.dispatchId)),
      });
    }
    const given = 'ids' in target ? target.ids : target.eventIds;
    const found = new Set(named.map((r) => ('ids' in target ? r.id : r.event_id)));
    return { acked: given.filter((id) => found.has(id)), notFound: given.filter((id) => !found.has(id)) };
  }

  return { pollEndpoint, ack };
}
