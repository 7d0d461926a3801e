import type { ConfigSlice } from '../platform/state/config-store.ts';
import { ALERT_RULE_EVENT_TYPES, type AlertRuleEvent } from './domain/messages.ts';
import { evolve, type AlertRuleState } from './domain/evolve.ts';

/** Every alert rule, as the API (names), the evaluator (what to evaluate) and the alert notifier (where to send) keep them. */
export class AlertRulesState implements ConfigSlice {
  readonly types = ALERT_RULE_EVENT_TYPES;
  private readonly rules = new Map<string, AlertRuleState>();
  readonly topic: string;
  constructor(topic: string) {
    this.topic = topic;
  }

  apply(e: AlertRuleEvent): void {
    const current = this.rules.get(e.ruleId);
    if (current && e.version <= current.version) return; // the API applied it already
    const next = evolve(current, e);
    if (next) this.rules.set(e.ruleId, next);
  }

  get(ruleId: string): AlertRuleState | undefined {
    return this.rules.get(ruleId);
  }

  /** The project's live rules. */
  ofProject(projectId: string): AlertRuleState[] {
    return [...this.rules.values()].filter((r) => r.projectId === projectId && !r.deleted);
  }

  /** The live, enabled rules of every project: what the evaluator evaluates. */
  enabled(): AlertRuleState[] {
    return [...this.rules.values()].filter((r) => !r.deleted && r.definition.enabled);
  }
}
