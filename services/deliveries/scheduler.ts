import type { DeliveryRequested } from './domain/messages.ts';
import { releaseAt } from './domain/tiers.ts';
import type { BatchHandler, Outgoing } from '../platform/kafka/processor.ts';
import { type Topics } from '../capabilities.ts';
import { DELAY_TIERS_MS } from './lanes.ts';
import { requestTopic } from '../events/router.ts';

/**
 * The scheduler drains delay tiers without a database poller: a tier's messages share its
 * delay, so they come due in log order. It releases the due prefix of a batch (to a lane, or to
 * a shorter tier for what is left of the delay) and pauses the partition until the head is due.
 */
export function schedulerHandler(topics: Topics, now: () => number = Date.now): BatchHandler {
  const tierOf = new Map(DELAY_TIERS_MS.map((ms) => [topics.delay(ms), ms]));
  return async (messages) => {
    const out: Outgoing[] = [];
    const t = now();
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      if (m.event.type !== 'DeliveryRequested') continue;
      const r: DeliveryRequested = m.event;
      const at = releaseAt(m.timestamp, tierOf.get(m.topic) ?? 0, r.dueAt);
      if (at > t) return { out, handled: i, pauseMs: at - t };
      // The trace context moves on with the record: the attempt continues the trace that routed it.
      out.push({ topic: requestTopic(topics, r, t), key: m.key, event: r, trace: m.trace });
    }
    return { out, handled: messages.length };
  };
}
