import type { ApiTag, ErrorDialect, MessagesOf, RoleDefinition, RolesOf, RoutesPlugin, StateOf, TopicsOf } from './platform/capability.ts';
import type { TopicSpec } from './platform/kafka/topics.ts';
import type { Projection } from './platform/projection/runner.ts';
import { accounts } from './accounts/manifest.ts';
import { alerting } from './alerting/manifest.ts';
import { analytics } from './analytics/manifest.ts';
import { audit } from './audit/manifest.ts';
import { billing } from './billing/manifest.ts';
import { connectors } from './connectors/manifest.ts';
import { dashboard } from './dashboard/manifest.ts';
import { dataKeys } from './data-keys/manifest.ts';
import { deliveries } from './deliveries/manifest.ts';
import { endpoints } from './endpoints/manifest.ts';
import { eventTypes } from './event-types/manifest.ts';
import { events } from './events/manifest.ts';
import { gdpr } from './gdpr/manifest.ts';
import { inbound } from './inbound/manifest.ts';
import { plans } from './plans/manifest.ts';
import { poll } from './poll/manifest.ts';
import { setAside } from './set-aside/manifest.ts';
import { scim } from './scim/manifest.ts';
import { sso } from './sso/manifest.ts';
import { subAccounts } from './sub-accounts/manifest.ts';
import { stats } from './stats/manifest.ts';

/**
 * Every capability of mittr, one room each (schemas/<name>/, services/<name>/, projections/).
 * The event union, the topics, the in-memory configuration, the routes, the read models and the
 * roles are all assembled from this list: adding a capability is its folders and one line here.
 */
export const CAPABILITIES = [accounts, events, deliveries, endpoints, eventTypes, poll, setAside, plans, audit, analytics, stats, connectors, inbound, alerting, dataKeys, gdpr, sso, scim, subAccounts, billing, dashboard] as const;
type Any = (typeof CAPABILITIES)[number];

/** The domain events mittr writes to Kafka: facts in the past tense, one Avro schema each. */
export type DomainEvent = MessagesOf<Any>;
export type DomainEventType = DomainEvent['type'];
export const DOMAIN_EVENT_TYPES: readonly DomainEventType[] = CAPABILITIES.flatMap((c) => c.messageTypes as readonly DomainEventType[]);

/** Every topic name of a deployment, by the name its capability gives it. */
export type Topics = TopicsOf<Any>;
export function topicNames(prefix: string): Topics {
  return Object.assign({}, ...CAPABILITIES.map((c) => c.topicNames?.(prefix) ?? {})) as Topics;
}
export function topicSpecs(prefix: string, partitions: number): TopicSpec[] {
  const names = topicNames(prefix);
  return CAPABILITIES.flatMap((c) => (c.topicSpecs as ((t: Topics, p: number) => TopicSpec[]) | undefined)?.(names, partitions) ?? []);
}

/** The configuration every role keeps in memory: each capability's slices. */
export type State = StateOf<Any>;
export async function newState(topics: Topics): Promise<State> {
  const slices = await Promise.all(CAPABILITIES.map((c) => (c.state as ((t: Topics) => Promise<object>) | undefined)?.(topics) ?? {}));
  return Object.assign({}, ...slices) as State;
}

/** Every read model mittr keeps, each rebuildable from the log. */
export async function allProjections(topics: Topics): Promise<Projection[]> {
  const factories = await Promise.all(CAPABILITIES.map((c) => c.projections?.() ?? []));
  return factories.flat().map((f) => (f as (t: Topics) => Projection)(topics));
}

/** The roles a process can run: the API, the projectors, and each capability's stream processors. */
export type Role = 'api' | RolesOf<Any> | 'project';
const streamRoles = Object.fromEntries(CAPABILITIES.flatMap((c) => Object.entries<RoleDefinition>(c.roles ?? {}))) as Record<Exclude<Role, 'api' | 'project'>, RoleDefinition>;
export const ROLES: readonly Role[] = ['api', ...(Object.keys(streamRoles) as Role[]), 'project'];
/** A capability's stream-processing role, if `role` is one. */
export const streamRole = (role: Role): RoleDefinition | undefined => (streamRoles as Record<string, RoleDefinition>)[role];

/** Every capability's routes: public ones, and those under /api/v1, with the OpenAPI tags they use. */
export async function allRoutes(): Promise<{ publicRoutes: RoutesPlugin[]; routes: RoutesPlugin[]; tags: ApiTag[]; errorDialects: ErrorDialect[] }> {
  const [publicRoutes, routes] = await Promise.all([
    Promise.all(CAPABILITIES.map((c) => c.publicRoutes?.() ?? [])),
    Promise.all(CAPABILITIES.map((c) => c.routes?.() ?? [])),
  ]);
  return {
    publicRoutes: publicRoutes.flat(), routes: routes.flat(), tags: CAPABILITIES.flatMap((c) => c.apiTags ?? []),
    errorDialects: CAPABILITIES.flatMap((c) => c.errorDialects ?? []),
  };
}
