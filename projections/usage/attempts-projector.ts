import type { DomainEvent } from '../../services/capabilities.ts';
import type { DeliveryAttempted } from '../../services/deliveries/domain/messages.ts';
import { monthOf } from '../../services/plans/domain/quota.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { shardOf } from '../shared/shard.ts';
import { countOnce } from './count-once.ts';

const ATTEMPTS = { monthly: 'usage_attempts_monthly', total: 'attempts' };

/**
 * usage_attempts_monthly, from the outcomes topic: one
 * DeliveryAttempted is one delivery attempt (as an event's attempt history lists them: HTTP
 * attempts, failures before the network, poll-mode acks), in the month (UTC) it was made,
 * counted once per log position (countOnce says why that is once per attempt).
 *
 * A projector of its own beside `usage`, not a second topic of it: each projector owns its
 * tables, and a reset noticed on the outcomes topic (ARCHITECTURE 12) empties only these, not
 * the message counts the quota reads; the quota's counter reads `usage`'s checkpoints, which
 * stay those of the events topic alone.
 */
export function usageAttemptsProjection(topics: { outcomes: string }): Projection {
  return {
    name: 'usage-attempts',
    topics: [topics.outcomes],
    types: ['DeliveryAttempted'],
    tables: ['usage_attempts_monthly'],
    oncePerPosition: true,
    async apply(tx, events, source) {
      const attempts = events.filter((x: DomainEvent): x is DeliveryAttempted => x.type === 'DeliveryAttempted');
      await countOnce(tx, ATTEMPTS, attempts.map((e) => ({ account_id: e.accountId, month: `${monthOf(e.attemptedAt)}-01` })), shardOf([topics.outcomes], source));
    },
  };
}
