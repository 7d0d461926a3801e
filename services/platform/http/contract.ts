import type { Role } from '../domain/roles.ts';
import { Type, type TSchema } from 'typebox';

/**
 * Every error mittr answers: a message for people and a stable code for programs. Some codes add
 * details beside them (a CONFLICT names the `eventId` that holds the key, DUPLICATE_EVENT the `keys`).
 */
export const ErrorBody = Type.Object({ error: Type.String(), code: Type.String() }, { additionalProperties: true });

export type { Role };

/**
 * Who may call an operation: public routes take no credentials; every other one names the API-key
 * scope it needs (`<resource>:read|write`, as 002's API keys list them) and the least role a
 * member calling it must hold. Declared once here, it is what the OpenAPI document shows.
 */
export type Access = 'public' | { scope: `${string}:${'read' | 'write'}`; role: Role };

/** What an operation documents besides its request and response schemas. */
export type Operation = {
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  /** Error statuses the operation answers beyond those every one of its kind does. */
  errors?: readonly number[];
  /** A public route's own credentials (the session cookie, an API key outside /api/v1); none by default. */
  security?: Array<Record<string, string[]>>;
};

const ERRORS: Record<number, string> = {
  400: 'The request cannot be read, or a field is invalid (BAD_REQUEST, VALIDATION_ERROR, BATCH_TOO_LARGE; CONFIRMATION_REQUIRED when an erasure does not name its workspace)',
  401: 'No API key, or one that is unknown, revoked or expired (UNAUTHORIZED)',
  402: 'The account\'s plan allows no more of this: its monthly messages, team seats, projects or connectors (QUOTA_EXCEEDED); GET /api/v1/entitlements shows its limits and usage',
  403: 'The API key lacks the scope the operation needs (INSUFFICIENT_SCOPE, naming requiredScope), the member the role (INSUFFICIENT_ROLE, naming requiredRole), or a change made with a session cookie lacks its X-CSRF-Token (FORBIDDEN), or a password login into a workspace that enforces single sign-on (SSO_REQUIRED)',
  429: 'Too many requests: the API key\'s rate limit, failed logins or signups from one address; wait Retry-After seconds (RATE_LIMITED)',
  404: 'No such resource in the caller\'s project, or no such project (X-Project-ID): another tenant\'s ids are not found either (NOT_FOUND)',
  409: 'The change conflicts with the current state (CONFLICT, INVALID_STATE, DUPLICATE_EVENT), or asks a payment provider of a deployment that has none (BILLING_NOT_CONFIGURED)',
  413: 'The request body is larger than mittr accepts (PAYLOAD_TOO_LARGE)',
  415: 'The body is not JSON (Content-Type must be application/json) (BAD_REQUEST)',
  426: 'This is a WebSocket: connect with `Upgrade: websocket` (UPGRADE_REQUIRED)',
  502: 'The payment provider refused or failed the request it was sent (PROVIDER_ERROR); nothing was changed',
  503: 'A dependency (Kafka, the schema registry, Postgres) is unavailable: retry after Retry-After (SERVICE_UNAVAILABLE)',
};

type RouteSchema = { body?: TSchema; querystring?: TSchema; params?: TSchema; headers?: TSchema; response?: Record<number, TSchema> };

/**
 * A route's whole contract: its request and response schemas (`schema`) plus its documentation,
 * its access and every error it can answer, each as `{error, code}`. Errors implied by the route's
 * shape are added: 400 when it reads input, 401, 403, 404 and 429 unless public, 404 with a path parameter, 413
 * with a body, 503 always (every route reads or appends through a dependency); 415 comes with the
 * method (methodErrors).
 */
export function contract<S extends RouteSchema>(op: Operation, schema: S): S {
  const codes = new Set<number>([503, ...(op.errors ?? [])]);
  if (schema.body || schema.querystring || schema.params) codes.add(400);
  // Any authenticated request may name a project (X-Project-ID) that is not the caller's.
  if (op.access !== 'public') { codes.add(401); codes.add(403); codes.add(404); codes.add(429); }
  if (op.security?.length) codes.add(401);
  if (schema.params) codes.add(404);
  if (schema.body) codes.add(413);
  const errors = Object.fromEntries([...codes].sort().map((c) => [c, { ...ErrorBody, description: ERRORS[c] ?? 'An error' }]));
  return {
    ...schema,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    security: op.access === 'public' ? (op.security ?? []) : [{ apiKey: [] }, { session: [] }],
    ...(op.access === 'public' ? {} : { 'x-mittr-scope': op.access.scope, 'x-mittr-role': op.access.role }),
    response: { ...errors, ...schema.response },
  };
}

/**
 * Errors a route of this method answers whatever its schema: a request with a body (or just a
 * Content-Type) that is not JSON is refused, 415, before any route-specific parsing. Added to
 * every such route as it registers (services/platform/http/openapi.ts).
 */
export function methodErrors(method: string, response: Record<string, unknown>): void {
  if (method === 'GET' || method === 'HEAD' || response['415']) return;
  response['415'] = { ...ErrorBody, description: ERRORS[415] };
}

/** A response schema with its description, as the document shows it. */
export function answer<T extends TSchema>(description: string, schema: T): T {
  return { ...schema, description };
}

/** A time, as every answer gives it: RFC 3339 in UTC. */
export const DateTime = Type.String({ format: 'date-time' });

/** A member's role (services/platform/domain/roles.ts). */
export const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('editor'), Type.Literal('viewer')]);

/** `T` or `null`. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** A response with no body (204). */
export const NoContent = Type.Null({ description: 'No content' });
