import createClient from 'openapi-fetch';
import type { paths } from '../../sdk/node/src/openapi.ts';

/**
 * The API client, typed from mittr's OpenAPI document (sdk/openapi.json, through the SDK's
 * generated types): the session cookie authenticates (same origin), every change carries the
 * session's CSRF token, and X-Project-ID picks the project the dashboard shows.
 */
export type Paths = paths;
/** The JSON a route answers with status C (200 unless said). */
export type Answer<P extends keyof paths, M extends keyof paths[P], C extends number = 200> =
  paths[P][M] extends { responses: { [K in C]: { content: { 'application/json': infer J } } } } ? J : never;
export type EventRow = Answer<'/api/v1/events', 'get'>['data'][number];
export type EventDetail = Answer<'/api/v1/events/{id}', 'get'>;
export type Attempt = EventDetail['deliveryAttempts'][number];
export type Endpoint = Answer<'/api/v1/endpoints/{id}', 'get'>;
export type EndpointBody = NonNullable<paths['/api/v1/endpoints']['post']['requestBody']>['content']['application/json'];
export type Stats = Answer<'/api/v1/stats', 'get'>;

const state = { csrf: '', project: '' };
export const setCsrf = (token: string) => { state.csrf = token; };
export const setProject = (id: string) => { state.project = id; };
export const currentProject = () => state.project;

export const api = createClient<paths>({ baseUrl: location.origin, credentials: 'same-origin' });
api.use({
  onRequest({ request }) {
    if (request.method !== 'GET' && state.csrf) request.headers.set('x-csrf-token', state.csrf);
    if (state.project && new URL(request.url).pathname.startsWith('/api/v1/')) request.headers.set('x-project-id', state.project);
    return request;
  },
});

/** mittr's `{error, code}`, thrown. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); }
}

/** The data of an answer, or its error thrown. */
export function ok<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.error !== undefined || !r.response.ok) {
    const e = (r.error ?? {}) as { error?: string; code?: string };
    throw new ApiError(r.response.status, e.code ?? `HTTP_${r.response.status}`, e.error ?? r.response.statusText);
  }
  return r.data as T;
}
