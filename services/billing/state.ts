import type { ConfigSlice } from '../platform/state/config-store.ts';
import { SUBSCRIPTION_EVENT_TYPES, type SubscriptionEvent } from './domain/messages.ts';
import { evolve, type SubscriptionState } from './domain/evolve.ts';

/**
 * Every workspace's subscription, as each process keeps it: the plan a workspace is entitled to
 * (POST /events' quota, the caps) is read here with no I/O, and a provider's webhook finds its
 * workspace by the provider's customer id.
 */
export class BillingState implements ConfigSlice {
  readonly types = SUBSCRIPTION_EVENT_TYPES;
  private readonly subscriptions = new Map<string, SubscriptionState>();
  private readonly byCustomer = new Map<string, string>();
  readonly topic: string;
  constructor(topic: string) {
    this.topic = topic;
  }

  apply(e: SubscriptionEvent): void {
    const current = this.subscriptions.get(e.accountId);
    if (current && e.version <= current.version) return; // the API applied it already
    const next = evolve(current, e);
    if (!next) return;
    this.subscriptions.set(e.accountId, next);
    if (next.customerId !== null) this.byCustomer.set(next.customerId, e.accountId);
  }

  /** The workspace's subscription, an ended one included (its version is the next one's base). */
  get(accountId: string): SubscriptionState | undefined {
    return this.subscriptions.get(accountId);
  }

  /** The workspace whose provider customer this is. */
  accountOfCustomer(customerId: string): string | undefined {
    return this.byCustomer.get(customerId);
  }

  /** The subscriptions of mittr's own clock (provider none) whose period has ended: the renewal sweep's work. */
  due(now: number): SubscriptionState[] {
    return [...this.subscriptions.values()].filter((s) => !s.ended && s.provider === 'none' && s.periodEnd <= now);
  }
}
