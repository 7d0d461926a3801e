import type { DomainEvent } from '../../services/capabilities.ts';
import type { EventAccepted } from '../../services/events/domain/messages.ts';
import { monthOf } from '../../services/plans/domain/quota.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { shardOf } from '../shared/shard.ts';
import { countOnce } from './count-once.ts';

/** The usage projector's name: its checkpoints are what services/plans/usage-counter.ts reads against. */
export const USAGE_PROJECTOR = 'usage';

const MESSAGES = { monthly: 'usage_monthly', total: 'messages' };

/**
 * usage_monthly, from the events topic: one EventAccepted is one message, in the month (UTC) it
 * was accepted, counted once per log position (countOnce says why that is once per message).
 */
export function usageProjection(topics: { events: string }): Projection {
  return {
    name: USAGE_PROJECTOR,
    topics: [topics.events],
    types: ['EventAccepted'],
    tables: ['usage_monthly'],
    oncePerPosition: true,
    async apply(tx, events, source) {
      const accepted = events.filter((x: DomainEvent): x is EventAccepted => x.type === 'EventAccepted');
      await countOnce(tx, MESSAGES, accepted.map((e) => ({ account_id: e.accountId, month: `${monthOf(e.createdAt)}-01` })), shardOf([topics.events], source));
    },
  };
}
