import { isRate, type Metric } from './condition.ts';
import type { AlertEvent } from './messages.ts';

/** PagerDuty's severities for mittr's (Events API v2 knows critical, error, warning, info). */
const PD_SEVERITY: Record<string, string> = { low: 'info', medium: 'warning', high: 'error', critical: 'critical' };

const percent = (x: number) => Math.round(x * 10_000) / 100;
/** A value as people read it: rates in percent (002's "Failure rate is {{.value}}%"), latency in ms. */
export const shown = (metric: string, x: number | null) => (x === null ? null : isRate(metric as Metric) ? percent(x) : Math.round(x * 100) / 100);

/** The facts a notification carries: the template context (`{{.value}}`, `{{.threshold}}`, `{{.rule}}`) and the webhook body. */
export function alertFacts(e: AlertEvent) {
  const resolved = e.type === 'AlertResolved';
  return {
    type: resolved ? 'alert.resolved' : 'alert.fired', status: resolved ? 'resolved' : e.severity, state: resolved ? 'resolved' : 'firing',
    alert_id: e.alertId, rule_id: e.ruleId, rule: e.ruleName, metric: e.metric, operator: e.operator,
    value: shown(e.metric, e.value), threshold: shown(e.metric, e.threshold), severity: e.severity, dedup_key: e.dedupKey,
    at: new Date(e.at).toISOString(),
  };
}

/** The default message: what fired (or resolved), its value and its threshold. */
export function defaultMessage(e: AlertEvent): string {
  const f = alertFacts(e);
  const unit = isRate(e.metric as Metric) ? '%' : '';
  return e.type === 'AlertResolved'
    ? `Resolved: ${e.ruleName} (${e.metric} ${f.value ?? 'no data'}${f.value === null ? '' : unit}, threshold ${f.threshold}${unit})`
    : `Alert: ${e.ruleName}: ${e.metric} is ${f.value}${unit} (${e.operator} ${f.threshold}${unit})`;
}

/**
 * A PagerDuty Events API v2 event: a trigger, or the resolve of the incident of the same
 * dedup_key. Pure; `summary` is cut to PagerDuty's 1024 characters.
 */
export function pagerDutyEvent(e: AlertEvent, routingKey: string, summary: string, severity?: string) {
  if (e.type === 'AlertResolved') return { routing_key: routingKey, event_action: 'resolve', dedup_key: e.dedupKey };
  return {
    routing_key: routingKey, event_action: 'trigger', dedup_key: e.dedupKey,
    payload: { summary: summary.slice(0, 1024), source: 'mittr', severity: PD_SEVERITY[severity ?? e.severity] ?? 'error',
      timestamp: new Date(e.at).toISOString(), component: e.metric, custom_details: alertFacts(e) },
  };
}
