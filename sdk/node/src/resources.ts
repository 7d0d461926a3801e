import { paginate, type Http } from './http.ts';
import type { Body, Item, Path, Query, Response } from './types.ts';

type Page<I> = { data: I[]; pagination: { hasMore: boolean; cursor: string | null } };
/** A list: `for await` walks every item across pages; `firstPage()` answers one page as the API does. */
export type List<P extends Path> = AsyncIterable<Item<P>> & { firstPage(): Promise<Response<P, 'get'>> };
type Send = { idempotencyKey?: string };

const id = (s: string) => encodeURIComponent(s);

function list<P extends Path>(http: Http, path: string, query: object = {}): List<P> {
  const page = (cursor?: string) => http.request<Response<P, 'get'>>('GET', path, { query: { ...query, cursor } });
  return {
    firstPage: () => page(),
    [Symbol.asyncIterator]: () => paginate<Item<P>>((cursor) => page(cursor) as unknown as Promise<Page<Item<P>>>)[Symbol.asyncIterator](),
  };
}

export function eventsResource(http: Http) {
  return {
    /** POST /api/v1/events: an idempotency key is generated when none is given. */
    send: (body: Body<'/api/v1/events', 'post'>, o: Send = {}) =>
      http.request<Response<'/api/v1/events', 'post'>>('POST', '/api/v1/events', { body, idempotencyKey: o.idempotencyKey }),
    /** Up to 100 direct events, each with its own idempotencyKey. */
    batch: (body: Body<'/api/v1/events/batch', 'post'>) =>
      http.request<Response<'/api/v1/events/batch', 'post'>>('POST', '/api/v1/events/batch', { body }),
    list: (query: Omit<Query<'/api/v1/events', 'get'>, 'cursor'> = {}) => list<'/api/v1/events'>(http, '/api/v1/events', query),
    get: (eventId: string) => http.request<Response<'/api/v1/events/{id}', 'get'>>('GET', `/api/v1/events/${id(eventId)}`),
    replay: (eventId: string) => http.request<Response<'/api/v1/events/{id}/replay', 'post'>>('POST', `/api/v1/events/${id(eventId)}/replay`),
    deliveries: (eventId: string) => http.request<Response<'/api/v1/events/{id}/deliveries', 'get'>>('GET', `/api/v1/events/${id(eventId)}/deliveries`),
  };
}

export function endpointsResource(http: Http) {
  const one = (endpointId: string, tail = '') => `/api/v1/endpoints/${id(endpointId)}${tail}`;
  return {
    create: (body: Body<'/api/v1/endpoints', 'post'>) => http.request<Response<'/api/v1/endpoints', 'post'>>('POST', '/api/v1/endpoints', { body }),
    list: (query: Omit<Query<'/api/v1/endpoints', 'get'>, 'cursor'> = {}) => list<'/api/v1/endpoints'>(http, '/api/v1/endpoints', query),
    get: (endpointId: string) => http.request<Response<'/api/v1/endpoints/{id}', 'get'>>('GET', one(endpointId)),
    update: (endpointId: string, body: Body<'/api/v1/endpoints/{id}', 'patch'>) =>
      http.request<Response<'/api/v1/endpoints/{id}', 'patch'>>('PATCH', one(endpointId), { body }),
    delete: (endpointId: string) => http.request<Response<'/api/v1/endpoints/{id}', 'delete'>>('DELETE', one(endpointId)),
    pause: (endpointId: string) => http.request<Response<'/api/v1/endpoints/{id}/pause', 'post'>>('POST', one(endpointId, '/pause')),
    resume: (endpointId: string) => http.request<Response<'/api/v1/endpoints/{id}/resume', 'post'>>('POST', one(endpointId, '/resume')),
    secret: (endpointId: string) => http.request<Response<'/api/v1/endpoints/{id}/secret', 'get'>>('GET', one(endpointId, '/secret')),
    rotateSecret: (endpointId: string) => http.request<Response<'/api/v1/endpoints/{id}/secret/rotate', 'post'>>('POST', one(endpointId, '/secret/rotate')),
  };
}

export function eventTypesResource(http: Http) {
  const one = (typeId: string) => `/api/v1/event-types/${id(typeId)}`;
  return {
    create: (body: Body<'/api/v1/event-types', 'post'>) => http.request<Response<'/api/v1/event-types', 'post'>>('POST', '/api/v1/event-types', { body }),
    list: (query: Omit<Query<'/api/v1/event-types', 'get'>, 'cursor'> = {}) => list<'/api/v1/event-types'>(http, '/api/v1/event-types', query),
    get: (typeId: string) => http.request<Response<'/api/v1/event-types/{id}', 'get'>>('GET', one(typeId)),
    byName: (name: string) => http.request<Response<'/api/v1/event-types/by-name/{name}', 'get'>>('GET', `/api/v1/event-types/by-name/${id(name)}`),
    update: (typeId: string, body: Body<'/api/v1/event-types/{id}', 'put'>) =>
      http.request<Response<'/api/v1/event-types/{id}', 'put'>>('PUT', one(typeId), { body }),
    delete: (typeId: string) => http.request<Response<'/api/v1/event-types/{id}', 'delete'>>('DELETE', one(typeId)),
  };
}

export function deliveriesResource(http: Http) {
  return {
    list: (query: Omit<Query<'/api/v1/deliveries', 'get'>, 'cursor'> = {}) => list<'/api/v1/deliveries'>(http, '/api/v1/deliveries', query),
    get: (deliveryId: string) => http.request<Response<'/api/v1/deliveries/{id}', 'get'>>('GET', `/api/v1/deliveries/${id(deliveryId)}`),
  };
}

/** Poll delivery (endpoints with deliveryMode: 'poll'): lease messages with a long poll, then ack them. */
export function pollResource(http: Http) {
  return {
    lease: (query: Query<'/api/v1/poll', 'get'>, signal?: AbortSignal) => http.request<Response<'/api/v1/poll', 'get'>>('GET', '/api/v1/poll', { query, signal }),
    ack: (body: Body<'/api/v1/poll/ack', 'post'>) => http.request<Response<'/api/v1/poll/ack', 'post'>>('POST', '/api/v1/poll/ack', { body }),
  };
}
