import type { DatabasePool } from 'slonik';
import { findAccount, listKeys } from '../../projections/accounts/queries.ts';
import { alertHistory, listAlertRules } from '../../projections/alerting/queries.ts';
import { auditLog } from '../../projections/audit/queries.ts';
import { listConnectors } from '../../projections/connectors/queries.ts';
import { endpointVersions, listEndpoints } from '../../projections/endpoints/queries.ts';
import { listEventTypes } from '../../projections/event-types/queries.ts';
import { attemptsOfEvents, listEvents, type Scope } from '../../projections/events/queries.ts';
import { listInboundEndpoints } from '../../projections/inbound-endpoints/queries.ts';
import { listInboundRequests } from '../../projections/inbound-requests/queries.ts';
import { everySubAccount } from '../../projections/sub-accounts/queries.ts';
import type { AccountsState } from '../accounts/state.ts';
import type { InboundState } from '../inbound/domain/evolve.ts';
import { decodeCursor } from '../platform/postgres/pagination.ts';
import { array, extended, object, paged, value, type Pieces } from './export-json.ts';

/** Rows a page of the export reads: bounded, so memory is a page whatever the workspace holds. */
const PAGE = 100;
/**
 * Events a page reads: each is held sealed (as Postgres answers it) and opened, with its attempts,
 * so a page of large payloads is the export's largest allocation; 50 keeps it near half a MB of
 * 9 KB payloads (the memory spec's) at twice the queries, which the 1 GB bench export affords.
 */
const EVENTS_PAGE = 50;
const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export type ExportSources = {
  db: DatabasePool;
  accounts: AccountsState;
  /** An inbound endpoint as the API shows it (secrets masked). */
  inboundView: (s: InboundState) => Record<string, unknown>;
  now: number;
};

/**
 * Everything a workspace owns, as one JSON document written as it is read: the account, its
 * users and invitations, projects, API keys (metadata: the keys are stored hashed and never
 * shown), and per project its endpoints with their versions, event types, events with their
 * payloads and every attempt, inbound endpoints with their requests, sub-accounts (deactivated
 * ones too), connectors (credentials
 * masked), alert rules and history; then the audit log. Each list is read page by page through
 * the read models' own queries (their views: what the API shows, decrypted where the read model
 * decrypts), so the export shows what the API shows, and a page is read only when the reader
 * took the previous one.
 */
export function exportWorkspace(src: ExportSources, accountId: string): Pieces {
  const projects = src.accounts.projects.list(accountId);
  const perProject = <T>(list: (scope: Scope) => AsyncIterable<T>, write?: (item: T) => Pieces) =>
    () => array((async function* () { for (const p of projects) yield* list({ accountId, projectId: p.projectId }); })(), write);
  const withProject = <T extends object>(scope: Scope, items: AsyncIterable<T>) => (async function* () { for await (const i of items) yield { projectId: scope.projectId, ...i }; })();

  return object([
    ['format', () => value('mittr.gdpr-export/1')],
    ['exportedAt', () => value(iso(src.now))],
    ['account', () => account(src, accountId)],
    ['members', () => value(members(src.accounts, accountId))],
    ['invitations', () => value(src.accounts.people.pendingInvitations(accountId, src.now).map((i) => ({
      id: i.invitationId, email: i.email, role: i.role, expiresAt: iso(i.expiresAt), createdAt: iso(i.createdAt) })))],
    ['projects', () => value(projects.map((p) => ({ id: p.projectId, name: p.name, environment: p.environment, createdAt: iso(p.createdAt) })))],
    ['apiKeys', () => array(paged((cursor) => listKeys(src.db, accountId, { limit: PAGE, cursor })))],
    ['endpoints', perProject((scope) => withProject(scope, paged((cursor) => listEndpoints(src.db, scope, { limit: PAGE, cursor }))),
      (ep) => extended(ep, 'versions', async function* () { yield* value(await endpointVersions(src.db, ep.id)); }))],
    ['eventTypes', perProject((scope) => withProject(scope, paged((cursor) => listEventTypes(src.db, scope, { limit: PAGE, cursor }))))],
    ['events', perProject((scope) => events(src.db, scope))],
    ['inboundEndpoints', perProject((scope) => withProject(scope, paged((cursor) => listInboundEndpoints(src.db, scope, { limit: PAGE, cursor }, (s) => ({ ...src.inboundView(s) })))),
      (ie) => extended(ie, 'requests', () => array(paged((cursor) => listInboundRequests(src.db, { accountId, projectId: ie.projectId }, String(ie.id), { limit: PAGE, cursor })))))],
    ['subAccounts', perProject((scope) => withProject(scope, paged((cursor) => everySubAccount(src.db, scope, { limit: PAGE, cursor }))))],
    ['connectors', perProject((scope) => withProject(scope, paged((cursor) => listConnectors(src.db, scope, { limit: PAGE, cursor }))))],
    ['alertRules', perProject((scope) => withProject(scope, paged((cursor) => listAlertRules(src.db, scope, { limit: PAGE, cursor }))))],
    ['alertHistory', perProject((scope) => withProject(scope, paged((cursor) => alertHistory(src.db, scope, { limit: PAGE, cursor }))))],
    ['auditLog', () => array(paged((cursor) => auditLog(src.db, accountId, { limit: PAGE, after: after(cursor) })))],
  ]);
}

const after = (cursor: string | undefined) => (cursor === undefined ? undefined : decodeCursor(cursor) ?? undefined);

async function* account(src: ExportSources, accountId: string): Pieces {
  const row = await findAccount(src.db, accountId);
  const config = src.accounts.get(accountId);
  // The signing secrets are not the workspace's data but its credentials: they stay out.
  yield* value({
    id: accountId, email: row?.email ?? config?.email ?? null, companyName: row?.company_name ?? config?.companyName ?? null,
    plan: row?.plan ?? config?.plan ?? null, createdAt: iso(row?.created_at), onboardedAt: iso(row?.onboarded_at),
  });
}

function members(accounts: AccountsState, accountId: string) {
  return accounts.people.membersOf(accountId).flatMap((m) => {
    const user = accounts.people.user(m.userId);
    return user ? [{ userId: m.userId, email: user.email, emailVerified: user.emailVerified, role: m.role }] : [];
  });
}

/** The project's events, a page at a time, each with every attempt made to deliver it. */
async function* events(db: DatabasePool, scope: Scope) {
  let cursor: [number, string] | undefined;
  for (;;) {
    const page = await listEvents(db, scope, { limit: EVENTS_PAGE, after: cursor });
    const byEvent = new Map<string, Array<Awaited<ReturnType<typeof attemptsOfEvents>>[number]>>();
    for (const a of await attemptsOfEvents(db, scope, page.data.map((e) => e.id))) {
      const list = byEvent.get(a.eventId);
      if (list) list.push(a); else byEvent.set(a.eventId, [a]);
    }
    for (const e of page.data) yield { projectId: scope.projectId, ...e, attempts: byEvent.get(e.id) ?? [] };
    const next = page.pagination.cursor ? decodeCursor(page.pagination.cursor) : null;
    if (!next) return;
    cursor = next;
  }
}
