import { matchesEventType } from '../../endpoints/domain/config.ts';
import { filterFor, type DeliveryContext } from '../../endpoints/domain/filter.ts';
import type { ConnectorDefinition } from './messages.ts';

/** An event's categories: its payload's `category` (a name) and `categories` (a list of names). */
export function categoriesOf(payload: unknown): string[] {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return [];
  const p = payload as Record<string, unknown>;
  const list = Array.isArray(p.categories) ? p.categories.filter((c): c is string => typeof c === 'string') : [];
  return typeof p.category === 'string' ? [p.category, ...list] : list;
}

/**
 * Whether a connector receives an event: it is active, subscribed to the event's type (the
 * endpoints' wildcards), its content filter holds (the endpoints' operators, over the same
 * context), and, when it names categories, the event is in one of them.
 */
export function receivesEvent(d: ConnectorDefinition, ctx: DeliveryContext): boolean {
  if (!d.isActive || ctx.eventType === null || !matchesEventType(d.eventTypes, ctx.eventType)) return false;
  if (d.categories.length > 0) {
    const cats = categoriesOf(ctx.data);
    if (!d.categories.some((c) => cats.includes(c))) return false;
  }
  return filterFor(d.filter)(ctx);
}

/**
 * Whether a connector receives an alert (004): active, the severity in its severity_filter (an
 * empty list: every severity), and the alert type in its alert_type_filter (null: every type).
 */
export function receivesAlert(d: ConnectorDefinition, alert: { severity: string; alertType: string }): boolean {
  if (!d.isActive) return false;
  if (d.severityFilter.length > 0 && !d.severityFilter.includes(alert.severity)) return false;
  return d.alertTypeFilter === null || d.alertTypeFilter.includes(alert.alertType);
}
