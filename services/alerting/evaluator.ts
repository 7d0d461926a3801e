import { createHash } from 'node:crypto';
import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { Topics } from '../capabilities.ts';
import type { Processor } from '../platform/capability.ts';
import type { Outgoing } from '../platform/kafka/processor.ts';
import type { ConfigStore } from '../platform/state/config-store.ts';
import { holds } from './domain/condition.ts';
import type { AlertRuleState } from './domain/evolve.ts';
import { INITIAL_STATUS, step, type AlertStatus } from './domain/firing.ts';
import type { AlertEvent } from './domain/messages.ts';
import { measure } from './measure.ts';

/** The default pace: a condition that becomes true is seen within this (plus the projector's lag), well inside 30 s. */
export const EVALUATE_EVERY_MS = 10_000;

const statusRow = z.object({ status: z.enum(['ok', 'firing']), dedup_key: z.string().nullable(), notified_at: z.number().nullable(), evaluated_at: z.number() });
const lockRow = z.object({ locked: z.boolean() });

/** An alert's id: the same for the same firing, so the history keeps a redelivered one once. */
function alertId(ruleId: string, kind: string, dedupKey: string, at: number): string {
  const h = createHash('sha256').update(`${ruleId}/${kind}/${dedupKey}/${at}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The rule's status as its evaluators share it, and when it was last evaluated. */
export async function statusOf(db: Pick<DatabaseTransactionConnection, 'maybeOne'>, ruleId: string): Promise<{ status: AlertStatus; evaluatedAt: number | null }> {
  const row = await db.maybeOne(sql.type(statusRow)`SELECT status, dedup_key, notified_at::float8 AS notified_at, evaluated_at::float8 AS evaluated_at FROM alert_evaluations WHERE rule_id = ${ruleId}`);
  return row ? { status: { status: row.status, dedupKey: row.dedup_key, notifiedAt: row.notified_at }, evaluatedAt: row.evaluated_at } : { status: INITIAL_STATUS, evaluatedAt: null };
}

export type EvaluatorDeps = {
  db: DatabasePool; store: ConfigStore; topics: Topics; append: (out: Outgoing[]) => Promise<unknown>;
  /** Distinguishes this deployment's locks from another's on the same Postgres (advisory locks are database-wide). */
  lockSpace: string; everyMs: number; now?: () => number; log?: (msg: string) => void;
};

/**
 * Evaluates every enabled rule each `everyMs`, in every process running the role; each rule by
 * one of them at a time. Why an advisory lock per rule and a shared status row rather than a
 * Kafka group deciding who owns which rules: a rule's evaluation is a read of Postgres and a
 * rare append, not a stream; the lock needs no membership protocol, a process that dies holds
 * nothing (its transaction ends), the survivor takes its rules at its next tick, not after a
 * rebalance, and the status (firing since, dedup key, cooldown) outlives any process.
 *
 * Within the rule's transaction: try its lock (taken: another process is at it, skip); skip when
 * it was evaluated less than half a period ago (by the other process); measure; step the state
 * machine; append AlertFired/AlertResolved to Kafka; store the status. A crash after the append
 * and before the commit fires again at the next tick (at least once, never lost).
 */
export class AlertEvaluator implements Processor {
  readonly name = 'alert-evaluator';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly d: EvaluatorDeps;
  private readonly now: () => number;
  constructor(d: EvaluatorDeps) {
    this.d = d;
    this.now = d.now ?? Date.now;
  }

  async start(): Promise<void> {
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule());
    }, this.d.everyMs);
  }

  /** One round over every enabled rule; a rule that fails (Postgres, Kafka away) is tried again next round. */
  async tick(): Promise<void> {
    for (const rule of this.d.store.state.alertRules.enabled()) {
      if (this.stopped) return;
      await this.evaluate(rule).catch((err: unknown) => this.d.log?.(`alert rule ${rule.ruleId}: ${(err as Error).message}`));
    }
  }

  async evaluate(rule: AlertRuleState): Promise<AlertEvent | null> {
    return this.d.db.transaction(async (tx) => {
      const { locked } = await tx.one(sql.type(lockRow)`SELECT pg_try_advisory_xact_lock(hashtext(${this.d.lockSpace}), hashtext(${rule.ruleId})) AS locked`);
      if (!locked) return null;
      const now = this.now();
      const current = await statusOf(tx, rule.ruleId);
      if (current.evaluatedAt !== null && now - current.evaluatedAt < this.d.everyMs / 2) return null;
      const d = rule.definition;
      const value = await measure(tx, rule, now);
      const s = step(current.status, { holds: value !== null && holds(value, d.operator, d.threshold), now, cooldownMs: d.cooldownMs, ruleId: rule.ruleId });
      let event: AlertEvent | null = null;
      if (s.emit) {
        const dedupKey = s.emit === 'fire' ? s.next.dedupKey! : current.status.dedupKey!;
        const type = s.emit === 'fire' ? 'AlertFired' as const : 'AlertResolved' as const;
        const fired: AlertEvent = { type, alertId: alertId(rule.ruleId, type, dedupKey, now), ruleId: rule.ruleId, accountId: rule.accountId, projectId: rule.projectId,
          ruleName: d.name, metric: d.metric, operator: d.operator, value, threshold: d.threshold, severity: d.severity, dedupKey, at: now };
        await this.d.append([{ topic: this.d.topics.alerts, key: rule.ruleId, event: fired }]);
        event = fired;
      }
      await tx.query(sql.unsafe`
        INSERT INTO alert_evaluations (rule_id, status, dedup_key, notified_at, value, evaluated_at)
        VALUES (${rule.ruleId}, ${s.next.status}, ${s.next.dedupKey}, ${s.next.notifiedAt}, ${value}, ${now})
        ON CONFLICT (rule_id) DO UPDATE SET status = EXCLUDED.status, dedup_key = EXCLUDED.dedup_key,
          notified_at = EXCLUDED.notified_at, value = EXCLUDED.value, evaluated_at = EXCLUDED.evaluated_at`);
      return event;
    });
  }
}
