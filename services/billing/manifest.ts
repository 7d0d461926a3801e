import { defineCapability } from '../platform/capability.ts';
import { configTopic } from '../platform/kafka/topics.ts';
import { SUBSCRIPTION_EVENT_TYPES, type SubscriptionEvent } from './domain/messages.ts';
import type { BillingState } from './state.ts';

/**
 * Billing: each workspace's subscription (an aggregate on the billing topic, keyed by account),
 * the ten /billing routes of 002 plus POST /billing/update, and the payment provider's webhooks
 * (POST /api/v1/billing/webhooks/stripe). The plan it entitles to is what services/plans enforces.
 */
export const billing = defineCapability<SubscriptionEvent, { billing: string }, { billing: BillingState }>({
  name: 'billing',
  messageTypes: SUBSCRIPTION_EVENT_TYPES,
  topicNames: (prefix) => ({ billing: `${prefix}billing` }),
  topicSpecs: (t) => [configTopic(t.billing)],
  state: async (t) => ({ billing: new (await import('./state.ts')).BillingState(t.billing) }),
  apiTags: [{ name: 'Billing', description: 'The workspace\'s subscription: plans, checkout, proration previews, changes, cancel and resume, invoices, the provider\'s portal' }],
  routes: async () => [(await import('./routes.ts')).billingRoutes],
  publicRoutes: async () => [(await import('./webhook-routes.ts')).billingWebhookRoutes],
});
