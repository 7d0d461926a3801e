/** The alerting room's events (schemas/alerting/). */
type RuleBase = { ruleId: string; accountId: string; projectId: string; version: number; at: number };
/** The rule's definition (RuleDefinition, domain/rule.ts) as JSON text; the action's secrets sealed. */
export type AlertRuleCreated = RuleBase & { type: 'AlertRuleCreated'; definition: string };
export type AlertRuleUpdated = RuleBase & { type: 'AlertRuleUpdated'; definition: string };
export type AlertRuleDeleted = RuleBase & { type: 'AlertRuleDeleted' };
export type AlertRuleEvent = AlertRuleCreated | AlertRuleUpdated | AlertRuleDeleted;

type AlertBase = {
  alertId: string; ruleId: string; accountId: string; projectId: string; ruleName: string;
  metric: string; operator: string; value: number | null; threshold: number; severity: string; dedupKey: string; at: number;
};
/** A rule's condition held (a first firing, or a repeat after the cooldown). */
export type AlertFired = AlertBase & { type: 'AlertFired' };
/** A firing rule's condition no longer holds. */
export type AlertResolved = AlertBase & { type: 'AlertResolved' };
export type AlertEvent = AlertFired | AlertResolved;

export type AlertingMessage = AlertRuleEvent | AlertEvent;
export const ALERT_RULE_EVENT_TYPES = ['AlertRuleCreated', 'AlertRuleUpdated', 'AlertRuleDeleted'] as const;
export const ALERTING_MESSAGE_TYPES = [...ALERT_RULE_EVENT_TYPES, 'AlertFired', 'AlertResolved'] as const;
