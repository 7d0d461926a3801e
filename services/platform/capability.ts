import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { TopicSpec } from './kafka/topics.ts';
import type { Projection } from './projection/runner.ts';
import type { ConfigSlice } from './state/config-store.ts';

/** A stream processor a role runs: started after the API answers, stopped first. */
export type Processor = { name: string; start(): Promise<void>; stop(): Promise<void> };

/**
 * A role (a `mittr <role>` process): its module is loaded only in a thread that runs it. Its
 * `start` takes a RoleEnv (services/platform/role-env.ts); declared loosely here so that a
 * manifest's type does not depend on the assembled topics it is part of.
 */
export type RoleDefinition = {
  /** The role reads the configuration every role keeps in memory (ConfigStore). */
  usesConfig: boolean;
  load(): Promise<{ start(env: never): Promise<Processor[]> }>;
};

/** A group of operations in the OpenAPI document. */
export type ApiTag = { name: string; description: string };

/**
 * How refusals under a path prefix are written when the body is not mittr's `{error, code}` (SCIM's
 * RFC 7644 error body at /scim/v2): used where no route's own error handler runs yet (the router's
 * refusals, services/platform/http/client-errors.ts).
 */
export type ErrorDialect = { prefix: string; send(reply: FastifyReply, status: number, error: string, code: string): void };

/** A plugin of routes, given the API's context (services/platform/http/context.ts). */
export type RoutesPlugin = (ctx: never) => FastifyPluginAsyncTypebox;

/**
 * A capability: one room, named the same in every layer (schemas/<name>/, services/<name>/,
 * projections/<read-model>/). Its manifest says what it adds to the whole: the domain events it
 * writes (one Avro schema each in schemas/<name>/), its topics, the configuration it folds into
 * every role's memory, its routes, its read models and its roles. Everything heavy is loaded
 * lazily: a thread loads only the modules of the roles it runs.
 *
 * M is the union of its messages, T its topic names (merged into `Topics`), S its slices of the
 * in-memory configuration (merged into the ConfigStore's state).
 */
export type Capability<M extends { type: string } = { type: string }, T = object, S = object, R extends string = never> = {
  name: string;
  messageTypes: readonly M['type'][];
  /** Type-level only: the capability's messages. */
  readonly messages?: M;
  topicNames?: (prefix: string) => T;
  topicSpecs?: (names: T, partitions: number) => TopicSpec[];
  /** Slices of the configuration every role keeps in memory, keyed by name. */
  state?: (names: T) => Promise<S & Record<string, ConfigSlice>>;
  /** Routes without authentication (health, sign-up). */
  publicRoutes?: () => Promise<RoutesPlugin[]>;
  /** The OpenAPI tags its routes use (services/platform/http/openapi.ts assembles the document's list). */
  apiTags?: ApiTag[];
  /** Error bodies of its own, by path prefix, for refusals made before any of its routes is found. */
  errorDialects?: ErrorDialect[];
  /** Routes under /api/v1, authenticated. */
  routes?: () => Promise<RoutesPlugin[]>;
  /** Read models: projectors, each rebuildable from the log. */
  projections?: () => Promise<Array<(topics: never) => Projection>>;
  roles?: Record<R, RoleDefinition>;
};

/** Declares a capability, keeping its message, topic and state types for the assembly. */
export function defineCapability<M extends { type: string }, T = object, S = object, R extends string = never>(c: Capability<M, T, S, R>): Capability<M, T, S, R> {
  return c;
}

export type MessagesOf<C> = C extends Capability<infer M, infer _T, infer _S, infer _R> ? M : never;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
export type TopicsOf<C> = UnionToIntersection<C extends Capability<infer _M, infer T, infer _S, infer _R> ? T : never>;
export type StateOf<C> = UnionToIntersection<C extends Capability<infer _M, infer _T, infer S, infer _R> ? S : never>;
export type RolesOf<C> = C extends Capability<infer _M, infer _T, infer _S, infer R> ? R : never;
