import { z } from 'zod';
import { DomainError } from '../platform/domain/errors.ts';
import { appendReserved } from '../platform/http/append.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { Principal } from '../platform/http/principal.ts';
import { planOf } from '../plans/account-plan.ts';
import { decide, type ConnectorCommand } from './domain/decide.ts';
import type { ConnectorInput, Sealer } from './domain/definition.ts';
import { evolve, type ConnectorState } from './domain/evolve.ts';
import { NameReservations, type Reservable } from '../platform/postgres/name-reservations.ts';
import { templateProblems } from './templates.ts';

const uuid = z.uuid();

/** The connectors' commands: load (this process's store) → decide (pure) → reserve name and versions → append → apply. */
export function connectorCommands(ctx: ApiContext) {
  const state = () => ctx.store.state.connectors;
  const reservations = new NameReservations(ctx.db, { names: 'connector_names', commands: 'connector_commands', idColumn: 'connector_id', what: 'connector' },
    (id) => state().get(id));
  const reservable = (s: ConnectorState): Reservable => ({ id: s.connectorId, projectId: s.projectId, name: s.definition.name });
  const sealer: Sealer = { seal: (plain) => ctx.secrets.seal(plain), checkTemplate: templateProblems };

  /** The caller's project's live connector addressed by id or by name. */
  function found(p: Principal, nameOrId: string): ConnectorState {
    const byId = uuid.safeParse(nameOrId).success ? state().get(nameOrId) : undefined;
    const s = byId ?? state().byName(p.projectId, nameOrId);
    if (!s || s.accountId !== p.accountId || s.projectId !== p.projectId || s.deleted) throw new DomainError('NOT_FOUND', 'connector not found');
    return s;
  }

  /** A create's command, with the account's plan limit and its live connectors now. */
  function createCommand(p: Principal, connectorId: string, input: ConnectorInput): ConnectorCommand {
    const { plan, limits } = planOf(ctx, p.accountId);
    return { type: 'Create', connectorId, accountId: p.accountId, projectId: p.projectId, input, count: state().countOfAccount(p.accountId), limit: limits.connectors, plan };
  }

  async function run(current: ConnectorState | undefined, cmd: ConnectorCommand): Promise<ConnectorState> {
    const events = decide(current, cmd, Date.now(), sealer);
    if (events.length === 0) return current!;
    const next = events.reduce<ConnectorState | undefined>(evolve, current)!;
    const versions = events.map((e) => e.version);
    const renamed = current !== undefined && !next.deleted && next.definition.name !== current.definition.name;
    const newName = current === undefined || renamed;
    await reservations.reserve(versions, reservable(next), newName);
    const positions = await appendReserved(ctx, {
      records: events.map((event) => ({ topic: ctx.topics.connectors, key: next.connectorId, event })),
      readModel: 'connectors', ids: [next.connectorId], release: () => reservations.release(versions, reservable(next), newName),
    });
    // With their offsets: an event accepted next names them (connectorsOffset), and the notifier waits for them.
    const last = Number(positions[0]!.offset);
    events.forEach((e, i) => ctx.store.apply(e, last - (events.length - 1 - i)));
    // The old name (deleted, renamed) is free once the change is in the log.
    if (current && (next.deleted || renamed)) await reservations.freeName(reservable(current)).catch(() => undefined);
    return next;
  }

  return { found, run, createCommand };
}
