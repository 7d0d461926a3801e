import { Type } from 'typebox';
import { DateTime, Nullable } from '../platform/http/contract.ts';
import { Page } from '../platform/http/page.ts';
import { METRICS, OPERATORS } from './domain/condition.ts';
import { ACTION_TYPES, SEVERITIES } from './domain/rule.ts';

/** The alerting room's HTTP contract: 002's rule shape, and 000's (a condition string and a connector name). */
const OneOf = <T extends string>(values: readonly T[], description?: string) => Type.Unsafe<T>(Type.String({ enum: [...values], ...(description ? { description } : {}) }));

const Condition = Type.Object({
  metric: OneOf(METRICS),
  operator: OneOf(OPERATORS),
  value: Type.Number({ description: 'The threshold; failure_rate and success_rate as a fraction (0.1 is 10%), latency in ms' }),
  window: Type.Optional(Type.String({ maxLength: 10, description: 'From 1m to 24h ("5m", "1h"); default 5m. queue_depth is a gauge: its window does not apply' })),
  percentile: Type.Optional(Nullable(Type.Integer({ description: 'latency only: 50, 95 (default) or 99' }))),
  endpointId: Type.Optional(Nullable(Type.String({ description: 'Only this endpoint\'s deliveries' }))),
  eventType: Type.Optional(Nullable(Type.String({ maxLength: 255, description: 'Only deliveries of this event type (not for queue_depth)' }))),
});
const Action = Type.Object({
  type: OneOf(ACTION_TYPES, 'email: sent through the deployment\'s mail relay (SMTP_URL, from MAIL_FROM) to `to`; your own relay: an email connector (type connector)'),
  to: Type.Optional(Type.Union([Type.Array(Type.String({ maxLength: 254 }), { minItems: 1, maxItems: 50 }), Type.String({ maxLength: 4000 })], { description: 'email: the recipients, a list or one string separated by commas (1-50)' })),
  subject: Type.Optional(Type.String({ maxLength: 998, description: 'email: a Go template for the subject; default "[Mittr] Alert: <rule>" / "[Mittr] Resolved: <rule>"' })),
  webhookUrl: Type.Optional(Type.String({ description: 'slack, webhook: where to POST (sealed at rest, masked on read)' })),
  channel: Type.Optional(Type.String()), username: Type.Optional(Type.String()), iconEmoji: Type.Optional(Type.String()),
  message: Type.Optional(Type.String({ maxLength: 4000, description: 'A Go template over value, threshold, rule, metric, severity ({{.value}}: rates in percent)' })),
  routingKey: Type.Optional(Type.String({ description: 'pagerduty: the Events API v2 integration key (sealed at rest, masked on read)' })),
  severity: Type.Optional(OneOf(SEVERITIES, 'pagerduty: overrides the rule\'s severity')),
  url: Type.Optional(Type.String({ description: 'pagerduty: the Events API URL; default https://events.pagerduty.com/v2/enqueue' })),
  connector: Type.Optional(Type.String({ description: 'connector: its name or id; its severity_filter, alert_type_filter (the metric) and is_active apply' })),
});
const ConditionText = Type.String({ maxLength: 200, description: '000\'s spelling: "failure_rate > 10%", "latency_p99 >= 2000"' });
const Fields = {
  name: Type.String({ minLength: 1, maxLength: 255, description: 'Unique in the project' }),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  enabled: Type.Optional(Type.Boolean()),
  severity: Type.Optional(OneOf(SEVERITIES, 'Default high')),
  condition: Type.Union([Condition, ConditionText]),
  window: Type.Optional(Type.String({ maxLength: 10, description: 'With a condition string: its window (default 5m)' })),
  action: Type.Optional(Action),
  connectorName: Type.Optional(Type.String({ maxLength: 255, description: '000\'s spelling: the same as action {type: connector, connector}' })),
  cooldown: Type.Optional(Type.String({ maxLength: 10, description: 'No repeat notification within this after one ("15m", default); "0": none' })),
};
export const CreateBody = Type.Object(Fields);
export const UpdateBody = Type.Partial(Type.Object({ ...Fields, condition: Type.Union([Type.Partial(Condition), ConditionText]) }));
export const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
export const ListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) });
export const HistoryQuery = Type.Object({ ...ListQuery.properties, ruleId: Type.Optional(Type.String({ format: 'uuid' })) });

export const AlertRule = Type.Object({
  id: Type.String(), name: Type.String(), description: Type.String(), enabled: Type.Boolean(), severity: Type.String(),
  condition: Type.Object({ metric: Type.String(), operator: Type.String(), value: Type.Number(), window: Type.String(), percentile: Nullable(Type.Integer()),
    endpointId: Nullable(Type.String()), eventType: Nullable(Type.String()) }),
  action: Type.Record(Type.String(), Type.Unknown(), { description: 'Its type and fields, secrets masked' }),
  cooldown: Type.String(), version: Type.Integer(), createdAt: DateTime, updatedAt: DateTime,
});
export const AlertRulePage = Page(AlertRule);
export const Evaluation = Type.Object({
  data: Type.Array(Type.Object({
    ruleId: Type.String(), name: Type.String(), enabled: Type.Boolean(), metric: Type.String(), operator: Type.String(),
    value: Nullable(Type.Number({ description: 'Over the window now (rates in percent); null: no deliveries in it' })), threshold: Type.Number(),
    conditionMet: Type.Boolean(), status: Type.String({ description: 'ok or firing, as the evaluator last left it' }),
    wouldFire: Type.Boolean({ description: 'Whether the evaluator would notify now (first firing, or a repeat after the cooldown)' }),
  })),
});
export const HistoryPage = Page(Type.Object({
  id: Type.String(), ruleId: Type.String(), ruleName: Type.String(), state: Type.String({ description: 'fired or resolved' }),
  metric: Type.String(), operator: Type.String(), value: Nullable(Type.Number()), threshold: Type.Number(), severity: Type.String(),
  dedupKey: Type.String(), at: DateTime,
}));
