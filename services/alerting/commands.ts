import { z } from 'zod';
import { DomainError } from '../platform/domain/errors.ts';
import { appendReserved } from '../platform/http/append.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { Principal } from '../platform/http/principal.ts';
import { NameReservations, type Reservable } from '../platform/postgres/name-reservations.ts';
import { decide, type AlertRuleCommand } from './domain/decide.ts';
import { evolve, type AlertRuleState } from './domain/evolve.ts';
import { templateProblems } from '../connectors/templates.ts';

const uuid = z.uuid();

/** The alert rules' commands: load (this process's store) → decide (pure) → reserve name and versions → append → apply. */
export function alertRuleCommands(ctx: ApiContext) {
  const state = () => ctx.store.state.alertRules;
  const reservations = new NameReservations(ctx.db, { names: 'alert_rule_names', commands: 'alert_rule_commands', idColumn: 'rule_id', what: 'alert rule' },
    (id) => state().get(id));
  const reservable = (s: AlertRuleState): Reservable => ({ id: s.ruleId, projectId: s.projectId, name: s.definition.name });
  const seal = (plain: string) => ctx.secrets.seal(plain);

  /** The caller's project's live rule of that id (another tenant's is not found). */
  function found(p: Principal, id: string): AlertRuleState {
    const s = uuid.safeParse(id).success ? state().get(id) : undefined;
    if (!s || s.accountId !== p.accountId || s.projectId !== p.projectId || s.deleted) throw new DomainError('NOT_FOUND', 'alert rule not found');
    return s;
  }

  /** A connector action names a live connector of the caller's project, by name or id. */
  function checkConnector(p: Principal, s: AlertRuleState): void {
    const name = s.definition.action.connector;
    if (name === null) return;
    const connectors = ctx.store.state.connectors;
    const c = (uuid.safeParse(name).success ? connectors.get(name) : undefined) ?? connectors.byName(p.projectId, name);
    if (!c || c.deleted || c.projectId !== p.projectId) throw new DomainError('VALIDATION_ERROR', `no connector named ${name} in this project`);
  }

  /** A message template that cannot run is a 400 now, not a fallback at every firing. */
  function checkMessage(s: AlertRuleState): void {
    const message = s.definition.action.config.message;
    const problems = typeof message === 'string' ? templateProblems({ text: message }) : [];
    if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', problems.join('; ').replace('template.text', 'action.message'));
  }

  async function run(p: Principal, current: AlertRuleState | undefined, cmd: AlertRuleCommand): Promise<AlertRuleState> {
    const events = decide(current, cmd, Date.now(), seal);
    if (events.length === 0) return current!;
    const next = events.reduce<AlertRuleState | undefined>(evolve, current)!;
    if (!next.deleted) { checkConnector(p, next); checkMessage(next); }
    const versions = events.map((e) => e.version);
    const renamed = current !== undefined && !next.deleted && next.definition.name !== current.definition.name;
    const newName = current === undefined || renamed;
    await reservations.reserve(versions, reservable(next), newName);
    const positions = await appendReserved(ctx, {
      records: events.map((event) => ({ topic: ctx.topics.alertRules, key: next.ruleId, event })),
      readModel: 'alert_rules', ids: [next.ruleId], release: () => reservations.release(versions, reservable(next), newName),
    });
    const last = Number(positions[0]!.offset);
    events.forEach((e, i) => ctx.store.apply(e, last - (events.length - 1 - i)));
    if (current && (next.deleted || renamed)) await reservations.freeName(reservable(current)).catch(() => undefined);
    return next;
  }

  return { found, run };
}
