import type { AccountMessage } from '../../accounts/domain/messages.ts';
import { SUBSCRIPTION_EVENT_TYPES, type SubscriptionEvent } from '../../billing/domain/messages.ts';
import type { EndpointEvent } from '../../endpoints/domain/messages.ts';
import type { EventTypeEvent } from '../../event-types/domain/messages.ts';
import type { EventEdited, EventReplayed } from '../../events/domain/messages.ts';
import type { InboundConfig, InboundEndpointEvent } from '../../inbound/domain/messages.ts';
import type { SsoMessage } from '../../sso/domain/messages.ts';
import type { ScimMessage } from '../../scim/domain/messages.ts';
import type { SubAccountMessage } from '../../sub-accounts/domain/messages.ts';

/** Who made a change, as its record carries it (null: written before actors were recorded). */
export type RecordedActor = { type: string; id: string | null; address: string | null } | null;
type Audited = (AccountMessage | EndpointEvent | EventTypeEvent | EventEdited | EventReplayed | InboundEndpointEvent | SsoMessage | ScimMessage | SubAccountMessage | SubscriptionEvent) & { actor?: RecordedActor };

/**
 * One line of a workspace's audit log: who changed what, when. `after` is the resource's
 * configuration as the change left it (for the changes that carry one); `before` is found from
 * the line before it. Secrets and password hashes never appear.
 */
export type AuditEntry = {
  id: string; accountId: string; at: number; resource: string; resourceId: string; action: string;
  after: unknown; actor: RecordedActor;
};

/** The one entry a sealed map is written as (SEALED_ENTRY of services/data-keys/fields.ts, which domain/ does not import). */
const SEALED_MAP = 'mittr-sealed';
/** How a sealed string begins (SEALED_PREFIX of services/data-keys/fields.ts). */
const SEALED_TEXT = 'mittr:sealed:';

/** A sub-account's metadata (JSON text) as an object; kept as it is when sealed, for the audit query opens and parses it. */
const metadataOf = (text: string): unknown => (text.startsWith(SEALED_TEXT) ? text : JSON.parse(text) as unknown);

/**
 * An endpoint's configuration as the log shows it, its custom headers' values hidden (they often
 * hold credentials). Headers the record sealed are kept sealed: the audit query opens them and
 * shows their names only (projections/audit/queries.ts).
 */
function redacted(config: { customHeaders?: Record<string, string> }): unknown {
  const headers = config.customHeaders ?? {};
  if (headers[SEALED_MAP] !== undefined) return config;
  return { ...config, customHeaders: Object.fromEntries(Object.keys(headers).map((k) => [k, '[redacted]'])) };
}

/** An inbound endpoint's configuration with the names of its sourceConfig fields only (they hold the provider's secrets, sealed). */
function inboundRedacted(config: InboundConfig): unknown {
  return { ...config, sourceConfig: Object.keys(JSON.parse(config.sourceConfig) as object) };
}

const entry = (e: Audited, accountId: string, at: number, resource: string, resourceId: string, action: string, after: unknown, key: string): AuditEntry =>
  ({ id: `${e.type}:${key}`, accountId, at, resource, resourceId, action, after, actor: e.actor ?? null });

/** The record types that make lines: auditEntry answers null for every other. */
export const AUDITED_TYPES = [
  'EndpointCreated', 'EndpointUpdated', 'EndpointDeleted', 'EndpointPaused', 'EndpointResumed', 'EndpointSecretRotated',
  'EndpointMtlsConfigured', 'EndpointMtlsRemoved', 'EventTypeCreated', 'EventTypeUpdated', 'EventTypeDeleted',
  'AccountCreated', 'AccountOnboarded', 'AccountSigningSecretRotated', 'ApiKeyCreated', 'ApiKeyRevoked',
  'MemberAdded', 'MemberRoleChanged', 'MemberRemoved', 'InvitationCreated', 'InvitationAccepted',
  'ProjectCreated', 'ProjectUpdated', 'ProjectDeleted', 'EventEdited', 'EventReplayed',
  'InboundEndpointCreated', 'InboundEndpointUpdated', 'InboundEndpointDeleted', 'SsoConfigured', 'SsoRemoved',
  'ScimTokenIssued', 'ScimTokenRevoked', 'ScimUserProvisioned', 'ScimUserUpdated', 'ScimUserDeleted',
  'SubAccountCreated', 'SubAccountUpdated', 'SubAccountDeactivated', 'SubAccountSessionIssued', 'SubAccountSessionsRevoked',
  ...SUBSCRIPTION_EVENT_TYPES,
] as const satisfies readonly Audited['type'][];

/**
 * The audit line of a record, or null for what is not a workspace's change (a circuit breaker
 * moving, a user's own e-mail links). Pure: the line follows from the record alone, so a rebuild
 * writes the same log. Ids are unique per change (versions, ids and times), so a record
 * delivered again is the same line.
 */
export function auditEntry(e: Audited): AuditEntry | null {
  switch (e.type) {
    case 'EndpointCreated': case 'EndpointUpdated':
      return entry(e, e.accountId, e.at, 'endpoint', e.endpointId, e.type === 'EndpointCreated' ? 'endpoint.created' : 'endpoint.updated', redacted(e.config), `${e.endpointId}:${e.version}`);
    case 'EndpointDeleted': case 'EndpointPaused': case 'EndpointResumed': case 'EndpointSecretRotated': case 'EndpointMtlsConfigured': case 'EndpointMtlsRemoved': {
      const action = { EndpointDeleted: 'deleted', EndpointPaused: 'paused', EndpointResumed: 'resumed', EndpointSecretRotated: 'secret_rotated', EndpointMtlsConfigured: 'mtls_configured', EndpointMtlsRemoved: 'mtls_removed' }[e.type];
      return entry(e, e.accountId, e.at, 'endpoint', e.endpointId, `endpoint.${action}`, null, `${e.endpointId}:${e.version}`);
    }
    case 'EventTypeCreated': case 'EventTypeUpdated':
      return entry(e, e.accountId, e.at, 'event_type', e.eventTypeId, e.type === 'EventTypeCreated' ? 'event_type.created' : 'event_type.updated', e.definition, `${e.eventTypeId}:${e.version}`);
    case 'EventTypeDeleted':
      return entry(e, e.accountId, e.at, 'event_type', e.eventTypeId, 'event_type.deleted', null, `${e.eventTypeId}:${e.version}`);
    case 'AccountCreated':
      return entry(e, e.accountId, e.createdAt, 'account', e.accountId, 'account.created', { companyName: e.companyName, plan: e.plan }, e.accountId);
    case 'AccountOnboarded':
      return entry(e, e.accountId, e.onboardedAt, 'account', e.accountId, 'account.onboarded', { companyName: e.companyName }, `${e.accountId}:${e.onboardedAt}`);
    case 'AccountSigningSecretRotated':
      return entry(e, e.accountId, e.rotatedAt, 'account', e.accountId, 'account.signing_secret_rotated', null, `${e.accountId}:${e.rotatedAt}`);
    case 'ApiKeyCreated':
      return entry(e, e.accountId, e.createdAt, 'api_key', e.keyId, 'api_key.created', { name: e.name, keyPrefix: e.prefix, scopes: e.scopes, rateLimit: e.rateLimit, expiresAt: e.expiresAt, projectId: e.projectId }, e.keyId);
    case 'ApiKeyRevoked':
      return entry(e, e.accountId, e.revokedAt, 'api_key', e.keyId, 'api_key.revoked', null, e.keyId);
    case 'MemberAdded':
      return entry(e, e.accountId, e.addedAt, 'member', e.userId, 'member.added', { role: e.role }, `${e.accountId}:${e.userId}:${e.addedAt}`);
    case 'MemberRoleChanged':
      return entry(e, e.accountId, e.changedAt, 'member', e.userId, 'member.role_changed', { role: e.role }, `${e.accountId}:${e.userId}:${e.changedAt}`);
    case 'MemberRemoved':
      return entry(e, e.accountId, e.removedAt, 'member', e.userId, 'member.removed', null, `${e.accountId}:${e.userId}:${e.removedAt}`);
    case 'InvitationCreated':
      return entry(e, e.accountId, e.createdAt, 'invitation', e.invitationId, 'invitation.created', { email: e.email, role: e.role, expiresAt: e.expiresAt }, e.invitationId);
    case 'InvitationAccepted':
      return entry(e, e.accountId, e.acceptedAt, 'invitation', e.invitationId, 'invitation.accepted', { userId: e.userId }, e.invitationId);
    case 'ProjectCreated': case 'ProjectUpdated':
      return entry(e, e.accountId, e.type === 'ProjectCreated' ? e.createdAt : e.updatedAt, 'project', e.projectId, e.type === 'ProjectCreated' ? 'project.created' : 'project.updated',
        { name: e.name, environment: e.environment }, `${e.projectId}:${e.type === 'ProjectCreated' ? e.createdAt : e.updatedAt}`);
    // An operator's hand on one event (sends are not lines: they are the events list itself).
    // The payload is the customer's data, not configuration: the line says what was changed.
    case 'EventEdited':
      return entry(e, e.accountId, e.editedAt, 'event', e.eventId, 'event.edited',
        { destination: e.destination, payloadChanged: e.payload !== null, headers: e.headers === null ? null : Object.keys(e.headers) }, `${e.eventId}:${e.editedAt}`);
    case 'EventReplayed':
      return entry(e, e.accountId, e.replayedAt, 'event', e.eventId, 'event.replayed',
        { endpointIds: e.targets.flatMap((t) => (t.endpointId ? [t.endpointId] : [])), toDestination: e.targets.some((t) => !t.endpointId) }, `${e.eventId}:${e.replayedAt}`);
    case 'InboundEndpointCreated': case 'InboundEndpointUpdated':
      return entry(e, e.accountId, e.at, 'inbound_endpoint', e.inboundEndpointId, e.type === 'InboundEndpointCreated' ? 'inbound_endpoint.created' : 'inbound_endpoint.updated',
        inboundRedacted(e.config), `${e.inboundEndpointId}:${e.version}`);
    case 'InboundEndpointDeleted':
      return entry(e, e.accountId, e.at, 'inbound_endpoint', e.inboundEndpointId, 'inbound_endpoint.deleted', null, `${e.inboundEndpointId}:${e.version}`);
    case 'ProjectDeleted':
      return entry(e, e.accountId, e.deletedAt, 'project', e.projectId, 'project.deleted', null, e.projectId);
    // The IdP's certificates are public, but long: the line names how many. The settings' id is
    // not the workspace's: a line's `before` is the previous line of its id, and the account's
    // own lines come from another topic, in no set order with these during a rebuild.
    case 'SsoConfigured':
      return entry(e, e.accountId, e.at, 'sso', `${e.accountId}:sso`, 'sso.configured', {
        slug: e.slug, idpEntityId: e.idpEntityId, idpSsoUrl: e.idpSsoUrl, idpCertificates: e.idpCertificates.length, allowedDomains: e.allowedDomains,
        enforced: e.enforced, provisioning: e.provisioning, defaultRole: e.defaultRole,
      }, `${e.accountId}:${e.version}`);
    case 'SsoRemoved':
      return entry(e, e.accountId, e.at, 'sso', `${e.accountId}:sso`, 'sso.removed', null, `${e.accountId}:${e.version}`);
    // SCIM: who issued a provisioning credential, and what the identity provider changed (never the token, only its prefix).
    case 'ScimTokenIssued':
      return entry(e, e.accountId, e.issuedAt, 'scim_token', e.tokenId, 'scim_token.issued', { name: e.name, prefix: e.prefix }, e.tokenId);
    case 'ScimTokenRevoked':
      return entry(e, e.accountId, e.revokedAt, 'scim_token', e.tokenId, 'scim_token.revoked', null, e.tokenId);
    case 'ScimUserProvisioned': case 'ScimUserUpdated':
      return entry(e, e.accountId, e.at, 'scim_user', e.scimId, e.type === 'ScimUserProvisioned' ? 'scim_user.provisioned' : 'scim_user.updated',
        { userName: e.userName, externalId: e.externalId, userId: e.userId, active: e.active, role: e.role }, `${e.scimId}:${e.version}`);
    case 'ScimUserDeleted':
      return entry(e, e.accountId, e.at, 'scim_user', e.scimId, 'scim_user.deleted', null, `${e.scimId}:${e.version}`);
    // Sub-accounts and their portal sessions (never a token: the log holds none).
    case 'SubAccountCreated': case 'SubAccountUpdated':
      return entry(e, e.accountId, e.at, 'sub_account', e.subAccountId, e.type === 'SubAccountCreated' ? 'sub_account.created' : 'sub_account.updated',
        { ...e.definition, metadata: metadataOf(e.definition.metadata) }, `${e.subAccountId}:${e.version}`);
    case 'SubAccountDeactivated':
      return entry(e, e.accountId, e.at, 'sub_account', e.subAccountId, 'sub_account.deactivated', null, `${e.subAccountId}:${e.version}`);
    case 'SubAccountSessionIssued':
      return entry(e, e.accountId, e.at, 'portal_session', e.sessionId, 'portal_session.issued',
        { subAccountId: e.subAccountId, returnURL: e.returnUrl, exchangeExpiresAt: e.exchangeExpiresAt }, e.sessionId);
    case 'SubAccountSessionsRevoked':
      return entry(e, e.accountId, e.at, 'portal_session', e.sessionId ?? `${e.subAccountId}:all`, 'portal_session.revoked',
        { subAccountId: e.subAccountId, all: e.sessionId === null }, `${e.subAccountId}:${e.sessionId ?? 'all'}:${e.at}`);
    // The subscription: every change, whether an admin made it or the provider's webhook told of it (actor null, providerEventId set).
    case 'SubscriptionStarted': case 'SubscriptionPlanChanged': case 'SubscriptionChangeScheduled': case 'SubscriptionScheduledChangeCanceled':
    case 'SubscriptionCancelScheduled': case 'SubscriptionResumed': case 'SubscriptionRenewed': case 'SubscriptionEnded':
    case 'SubscriptionInvoicePaid': case 'SubscriptionPaymentFailed':
      return entry(e, e.accountId, e.at, 'subscription', `${e.accountId}:subscription`, subscriptionAction[e.type], subscriptionAfter(e), `${e.accountId}:${e.version}`);
    default:
      return null;
  }
}

const subscriptionAction: Record<SubscriptionEvent['type'], string> = {
  SubscriptionStarted: 'subscription.started', SubscriptionPlanChanged: 'subscription.plan_changed', SubscriptionChangeScheduled: 'subscription.change_scheduled',
  SubscriptionScheduledChangeCanceled: 'subscription.scheduled_change_canceled', SubscriptionCancelScheduled: 'subscription.cancel_scheduled',
  SubscriptionResumed: 'subscription.resumed', SubscriptionRenewed: 'subscription.renewed', SubscriptionEnded: 'subscription.ended',
  SubscriptionInvoicePaid: 'subscription.invoice_paid', SubscriptionPaymentFailed: 'subscription.payment_failed',
};

/** What the change says, without the bookkeeping every record has. */
function subscriptionAfter(e: SubscriptionEvent): unknown {
  const { type: _t, accountId: _a, version: _v, at: _at, actor: _actor, providerEventId, ...rest } = e as SubscriptionEvent & { actor?: unknown };
  const said = providerEventId === null ? rest : { ...rest, providerEventId };
  return Object.keys(said).length === 0 ? null : said;
}
