import type { ConnectorType } from './catalog.ts';
import type { ConnectorDefinition } from './messages.ts';

/** How the delivery engine paces and breaks one connector's deliveries (its own, shared with nothing). */
export type ConnectorLimits = { perSecond: number; threshold: number; resetMs: number };

/**
 * Defaults per platform, under each one's published webhook limits so a burst of events is paced
 * here instead of answered 429 there:
 * - slack: incoming webhooks allow about 1 message per second (api.slack.com, rate limits);
 * - discord: a webhook allows 5 requests per 2 s, and a channel ~30 messages a minute: 0.5/s;
 * - teams: incoming webhooks throttle above 4 requests per second;
 * - zapier: Catch Hooks take bursts, but a Zap's tasks are the customer's: 10/s;
 * - webhook, generic: the customer's own server, no pacing unless it says so (0: none).
 * The breaker opens after 5 consecutive failures for 60 s, as an endpoint's does by default.
 */
export const PLATFORM_LIMITS: Readonly<Record<ConnectorType, ConnectorLimits>> = {
  slack: { perSecond: 1, threshold: 5, resetMs: 60_000 },
  discord: { perSecond: 0.5, threshold: 5, resetMs: 60_000 },
  teams: { perSecond: 4, threshold: 5, resetMs: 60_000 },
  zapier: { perSecond: 10, threshold: 5, resetMs: 60_000 },
  webhook: { perSecond: 0, threshold: 5, resetMs: 60_000 },
  generic: { perSecond: 0, threshold: 5, resetMs: 60_000 },
  email: { perSecond: 0, threshold: 0, resetMs: 60_000 },
};

/** The config fields that override them (catalog: every HTTP type's optional fields). */
export const LIMIT_FIELDS = ['rateLimitPerSec', 'circuitThreshold', 'circuitResetSeconds'] as const;

/** The connector's limits: its type's defaults, each overridden by its config's field when set. Pure. */
export function limitsOf(d: ConnectorDefinition): ConnectorLimits {
  const base = PLATFORM_LIMITS[d.type as ConnectorType] ?? PLATFORM_LIMITS.webhook;
  const c = JSON.parse(d.config) as Partial<Record<(typeof LIMIT_FIELDS)[number], number>>;
  return {
    perSecond: c.rateLimitPerSec ?? base.perSecond,
    threshold: c.circuitThreshold ?? base.threshold,
    resetMs: c.circuitResetSeconds === undefined ? base.resetMs : c.circuitResetSeconds * 1000,
  };
}
