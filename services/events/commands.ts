import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { currentActor } from '../platform/http/actor.ts';
import { withinDeadline } from '../platform/http/deadline.ts';
import type { Outgoing } from '../platform/kafka/processor.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import type { Principal } from '../platform/http/principal.ts';
import { eventStates } from '../../projections/events/queries.ts';
import { decideReservation, type TakenKey } from './domain/idempotency.ts';
import type { EventAccepted, EventEdited, EventReplayed } from './domain/messages.ts';
import type { EventState } from './domain/replay.ts';
import { IdempotencyKeys } from './reservations.ts';
import { monthlyQuota } from '../plans/quota.ts';
import { z } from 'zod';

const uuid = z.uuid();

/** The events' commands: load → decide (pure, in domain/) → reserve (idempotency keys) → append. */
export function eventCommands(ctx: ApiContext) {
  const keys = new IdempotencyKeys(ctx.db);
  const quota = monthlyQuota(ctx);

  async function accept(events: EventAccepted[], alongside: readonly Outgoing[]) {
    // Each record says who sent it and from where, as every command's records do.
    const actor = currentActor();
    const positions = await ctx.appender.append([...events.map((e) => ({ topic: ctx.topics.events, key: e.projectId, event: { ...e, actor } })), ...alongside]);
    ctx.recent.remember('events', events.map((e) => e.eventId), positions.slice(0, events.length));
    return positions;
  }

  const release = (events: EventAccepted[]) => keys.release(events);
  const markWritten = (events: EventAccepted[]) => keys.markWritten(events);

  /** Runs `op` again for a while when it fails (Postgres may be away just then). */
  function retrySoon(op: () => Promise<void>, what: string, attempt = 0): void {
    op().catch(() => {
      if (attempt < 60) setTimeout(() => retrySoon(op, what, attempt + 1), Math.min(1_000 * 2 ** attempt, 10_000)).unref();
      else console.error(`mittr api: gave up trying to ${what}`);
    });
  }

  async function reserve(events: EventAccepted[]): Promise<readonly TakenKey[]> {
    try {
      return await keys.reserve(events);
    } catch (err) {
      // The keys reserved by the first statement would otherwise wait out their abandonment.
      retrySoon(() => release(events), 'release the idempotency keys of unwritten events');
      throw err;
    }
  }

  /**
   * Takes the messages from the monthly quota, reserves the keys, then appends. While Kafka is
   * unreachable kafkajs keeps retrying for a long time: the caller gets a 503 after
   * APPEND_TIMEOUT_MS instead of a hang, and the append goes on.
   * A retry with the same key answers 503 while that first write is unsettled and 409 naming the
   * event only once it is written (at once on this process; on another once the mark or the
   * events read model shows it); a failed append frees its keys. A 409 never names an event that
   * does not exist. `alongside` are records that go in the same append as the events (an inbound
   * request's own record: one round trip to Kafka per receipt, not two).
   */
  async function reserveAndAccept(events: EventAccepted[], onTaken: (taken: readonly TakenKey[]) => never, alongside: readonly Outgoing[] = []) {
    // Over the plan's monthly messages: 402 before any key is reserved. The messages taken are
    // given back unless the records reach the log.
    // An erased workspace takes no new events, whatever reached this command (services/gdpr).
    if (ctx.store.state.erased.has(events[0]!.accountId)) throw new DomainError('NOT_FOUND', 'no such workspace');
    const ticket = await quota.take(events[0]!.accountId, events);
    let appended: ReturnType<typeof accept>;
    try {
      const reservation = decideReservation(await reserve(events));
      if (reservation.kind === 'unsettled') {
        throw new DomainError('SERVICE_UNAVAILABLE', 'an event with this idempotency key is still being written, retry shortly');
      }
      if (reservation.kind === 'taken') onTaken(reservation.taken);
      appended = accept(events, alongside);
    } catch (err) {
      ticket.release();
      throw err;
    }
    appended.then(ticket.appended, ticket.release);
    let answered503 = false;
    // A late outcome, after the caller got its 503, is settled here (the request path settles its own).
    appended.then(
      () => { if (answered503) retrySoon(() => markWritten(events), 'mark idempotency keys written'); },
      () => { if (answered503) retrySoon(() => release(events), 'release the idempotency keys of unwritten events'); },
    );
    try {
      await withinDeadline(appended, 'the event log (retry with the same idempotency key)');
    } catch (err) {
      const timedOut = err instanceof DomainError && err.code === 'SERVICE_UNAVAILABLE';
      if (timedOut) {
        answered503 = true;
        throw err;
      }
      // Kafka refused the records: their keys are free again before the answer, so a corrected
      // retry (fewer or smaller events) may use them at once.
      await release(events).catch(() => retrySoon(() => release(events), 'release the idempotency keys of unwritten events'));
      throw err;
    }
    // Marked after the 201, group committed with the other requests' marks: until the mark is in
    // Postgres this process answers a retry of the key 409 from memory (IdempotencyKeys).
    markWritten(events).catch(() => retrySoon(() => markWritten(events), 'mark idempotency keys written'));
  }

  async function loadState(principal: Principal, id: string): Promise<EventState> {
    const [state] = uuid.safeParse(id).success
      ? await readYourWrites(ctx, id, async () => (await eventStates(ctx.db, principal, { ids: [id], limit: 1 }))[0] ?? null)
        .then((s) => (s ? [s] : []))
      : [];
    if (!state) throw new DomainError('NOT_FOUND', 'event not found');
    return state;
  }

  async function appendChanges(changes: Array<EventEdited | EventReplayed>) {
    if (changes.length === 0) return;
    const actor = currentActor();
    const positions = await withinDeadline(ctx.appender.append(changes.map((e) => ({ topic: ctx.topics.events, key: e.projectId, event: { ...e, actor } }))), 'the event log');
    ctx.recent.remember('events', changes.map((e) => e.eventId), positions);
  }

  return { reserveAndAccept, loadState, appendChanges };
}
