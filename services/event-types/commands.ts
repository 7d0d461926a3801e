import { z } from 'zod';
import { DomainError } from '../platform/domain/errors.ts';
import { appendReserved } from '../platform/http/append.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { Principal } from '../platform/http/principal.ts';
import { decide, type EventTypeCommand } from './domain/decide.ts';
import { evolve, type EventTypeState } from './domain/evolve.ts';
import { checkSchema } from './json-schema.ts';
import { NameReservations, type Reservable } from '../platform/postgres/name-reservations.ts';

const uuid = z.uuid();

/** The event types' commands: load (this process's store) → decide (pure) → reserve name and versions → append → apply. */
export function eventTypeCommands(ctx: ApiContext) {
  const reservations = new NameReservations(ctx.db, { names: 'event_type_names', commands: 'event_type_commands', idColumn: 'event_type_id', what: 'event type' },
    (id) => ctx.store.state.eventTypes.get(id));
  const reservable = (s: EventTypeState): Reservable => ({ id: s.eventTypeId, projectId: s.projectId, name: s.definition.name });

  /** The event type as this process knows it, if it belongs to the caller's project. */
  function found(p: Principal, id: string): EventTypeState {
    const s = uuid.safeParse(id).success ? ctx.store.state.eventTypes.get(id) : undefined;
    if (!s || s.accountId !== p.accountId || s.projectId !== p.projectId || s.deleted) throw new DomainError('NOT_FOUND', 'event type not found');
    return s;
  }

  async function run(state: EventTypeState | undefined, cmd: EventTypeCommand): Promise<EventTypeState> {
    const events = decide(state, cmd, Date.now(), checkSchema);
    if (events.length === 0) return state!;
    const next = events.reduce<EventTypeState | undefined>(evolve, state)!;
    const versions = events.map((e) => e.version);
    const creates = events[0]!.type === 'EventTypeCreated';
    await reservations.reserve(versions, reservable(next), creates);
    await appendReserved(ctx, {
      records: events.map((event) => ({ topic: ctx.topics.eventTypes, key: next.eventTypeId, event })),
      readModel: 'event-types', ids: [next.eventTypeId], release: () => reservations.release(versions, reservable(next), creates),
    });
    events.forEach((e) => ctx.store.apply(e));
    if (next.deleted) await reservations.freeName(reservable(next)).catch(() => undefined);
    return next;
  }

  return { found, run };
}
