import { randomUUID } from 'node:crypto';
import type { DeliveryRequested } from '../deliveries/domain/messages.ts';
import type { EventAccepted, EventReplayed, RoutedDestination } from './domain/messages.ts';
import { tierFor } from '../deliveries/domain/tiers.ts';
import type { BatchHandler, Incoming, Outgoing } from '../platform/kafka/processor.ts';
import { tracing, type TraceHeaders } from '../platform/tracing/tracing.ts';
import type { EndpointState } from '../endpoints/domain/evolve.ts';
import { filterFor, type DeliveryContext } from '../endpoints/domain/filter.ts';
import { keyPathFor } from '../endpoints/domain/partition-key.ts';
import type { ConfigStore } from '../platform/state/config-store.ts';
import { type Topics } from '../capabilities.ts';
import { DELAY_TIERS_MS, laneOf } from '../deliveries/lanes.ts';

/** Where a delivery request goes: its priority lane when due, else the delay tier that fits. */
export function requestTopic(topics: Topics, r: DeliveryRequested, now: number): string {
  const remaining = r.dueAt - now;
  // A FIFO endpoint's deliveries share one lane whatever their priority, or a key's order could break.
  return remaining > 0 ? topics.delay(tierFor(remaining, DELAY_TIERS_MS)) : topics.lane(r.fifo ? 'fifo' : laneOf(r.priority));
}

/** A destination and its dispatch key: the delivery engine's ordering unit. */
type Destination = RoutedDestination & { maxAttempts: number; key: string; fifo: boolean };

/**
 * Resolves an event's destinations: a direct event has one; a replay names its targets; a typed
 * event fans out to the project's endpoints subscribed to its type. Every destination gets a
 * fresh dispatch id (attempts start at 1). An endpoint's maxRetries applies unless the event set
 * maxAttempts itself.
 */
export function destinationsOf(e: EventAccepted | EventReplayed, store: ConfigStore, open: Opener = unsealed): Destination[] {
  const direct = (url: string, endpointId: string | null = null): Destination => {
    const dispatchId = randomUUID();
    return { dispatchId, endpointId, url, maxAttempts: e.maxAttempts, key: dispatchId, fifo: false };
  };
  let context: DeliveryContext | undefined;
  /** The JSONPath context (ARCHITECTURE 11), built once per event and only if a filter or key needs it. */
  const ctx = () => (context ??= contextOf(open(e)));
  if (e.type === 'EventReplayed') {
    return e.targets.map((t) => {
      const ep = t.endpointId ? store.state.endpoints.get(t.endpointId) : undefined;
      const d = direct(t.url, t.endpointId);
      return ep ? { ...d, key: dispatchKey(ep, ctx) ?? d.key, fifo: ep.config.fifo } : d;
    });
  }
  if (e.destination) return [direct(e.destination)];
  // Named endpoints (an inbound endpoint's destinationIds) are sent to as a fan-out would, without
  // the type subscription; one deleted since, or not the project's, is skipped.
  const named = e.endpointIds?.length
    ? e.endpointIds.map((id) => store.state.endpoints.get(id)).filter((ep): ep is EndpointState => ep !== undefined && !ep.deleted && ep.projectId === e.projectId)
    : undefined;
  return (named ?? store.state.endpoints.subscribers(e.projectId, e.eventType!, e.type === 'EventAccepted' ? e.subAccountId ?? null : null))
    .filter((ep) => ep.config.filter === null || filterFor(ep.config.filter)(ctx()))
    .map((ep) => {
      const dispatchId = randomUUID();
      return {
        dispatchId, endpointId: ep.endpointId, url: ep.config.url,
        maxAttempts: e.maxAttemptsSet ? e.maxAttempts : ep.config.maxRetries,
        key: dispatchKey(ep, ctx) ?? dispatchId, fifo: ep.config.fifo,
      };
    });
}

/**
 * Opens an event's sealed payload and headers in place (Serde.openDecoded). The router reads
 * events with them left sealed and opens them only for a filter or a FIFO key that reads them:
 * otherwise each DeliveryRequested carries them on sealed, and only the engine, which sends
 * them, opens them (one AES operation per event fewer, and no copy of each payload kept).
 * A direct event's destination and a replay's targets' URLs are never read here: they go on
 * sealed into the routing's destinations and the dispatches' url (services/data-keys/fields.ts
 * CARRIED_SEALED), while an endpoint's URL is its configuration's, clear in memory, and sealed
 * by the serde as the value it was read as (the cipher's cache: no AES operation).
 */
export type Opener = <E extends EventAccepted | EventReplayed>(e: E) => E;
const unsealed: Opener = (e) => e;

const contextOf = (e: EventAccepted | EventReplayed): DeliveryContext =>
  ({ id: e.eventId, eventType: e.eventType, data: JSON.parse(e.payload), headers: e.headers });

/**
 * A FIFO endpoint's dispatch key is (endpoint id, value at fifoPartitionKey): deliveries of one
 * key go one after another. Without a partition key the whole endpoint is one key. Non-FIFO
 * endpoints answer null (every dispatch is its own key).
 */
export function dispatchKey(ep: EndpointState, ctx: () => DeliveryContext): string | null {
  if (!ep.config.fifo) return null;
  if (!ep.config.fifoPartitionKey) return ep.endpointId;
  return `${ep.endpointId}|${keyPathFor(ep.config.fifoPartitionKey)(ctx()) ?? ''}`;
}

/** The router waits this long at most for its configuration to catch up with an event's. */
const CONFIG_WAIT_MS = 10_000;

/**
 * The router: one EventRouted per accepted event and one DeliveryRequested per destination,
 * keyed by the dispatch key (the ordering unit of the delivery engine). While tracing is on,
 * each event's routing is a span, the child of the span its record names, and the records it
 * appends carry that span on.
 */
export function routerHandler(topics: Topics, store: ConfigStore, now: () => number = Date.now, open: Opener = unsealed): BatchHandler {
  /** Appends to `out` what routing `m` produces; answers how many destinations it found. */
  function route(m: Incoming, e: EventAccepted | EventReplayed, out: Outgoing[], t: number, trace?: TraceHeaders): number {
    const found = destinationsOf(e, store, open);
    const destinations = found.map(({ dispatchId, endpointId, url }) => ({ dispatchId, endpointId, url }));
    const dueAt = e.type === 'EventAccepted' ? e.createdAt + e.delaySeconds * 1000 : e.replayedAt;
    // On the events topic, keyed like the event: the projection sees it after the event it routes.
    out.push({ topic: topics.events, key: m.key, trace, event: {
      type: 'EventRouted', eventId: e.eventId, accountId: e.accountId, projectId: e.projectId, destinations, routedAt: t,
    } });
    for (const d of found) {
      const request: DeliveryRequested = {
        type: 'DeliveryRequested', dispatchId: d.dispatchId, eventId: e.eventId, accountId: e.accountId,
        projectId: e.projectId, endpointId: d.endpointId, eventType: e.eventType, url: d.url, payload: e.payload,
        headers: e.headers, attempt: 1, maxAttempts: d.maxAttempts, priority: e.priority,
        dueAt, createdAt: e.createdAt, fifo: d.fifo,
      };
      out.push({ topic: requestTopic(topics, request, t), key: d.key, event: request, trace });
    }
    return found.length;
  }

  return async (messages) => {
    const out: Outgoing[] = [];
    const t = now();
    for (const m of messages) {
      const e = m.event;
      if (e.type !== 'EventAccepted' && e.type !== 'EventReplayed') continue;
      // An erased workspace's events (accepted before its erasure) are not fanned out.
      if (store.state.erased.has(e.accountId)) continue;
      const span = tracing?.start('route', 'consumer', m.trace, {
        'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'messaging.destination.name': m.topic,
        'mittr.event_id': e.eventId, 'mittr.event_record': e.type,
      });
      try {
        if (e.type === 'EventAccepted' && store.offset(topics.endpoints) < e.configOffset) {
          await store.waitUntil(() => store.offset(topics.endpoints) >= e.configOffset, CONFIG_WAIT_MS);
        }
        const destinations = route(m, e, out, t, span?.headers);
        span?.set({ 'mittr.destinations': destinations });
      } catch (err) {
        span?.fail(err instanceof Error ? err.message : String(err));
        throw err;
      } finally {
        span?.end();
      }
    }
    return { out, handled: messages.length };
  };
}
