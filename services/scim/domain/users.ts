import type { Role } from '../../platform/domain/roles.ts';
import { DomainError } from '../../platform/domain/errors.ts';
import type { AccountMessage } from '../../accounts/domain/messages.ts';
import { decideRemove, decideRoleChange } from '../../accounts/domain/team.ts';
import { scimError } from './errors.ts';
import type { ScimMessage, ScimUserDeleted, ScimUserUpdated } from './messages.ts';
import type { ScimUser, UserInput } from './resource.ts';

/** What the identity side of the workspace looks like to a SCIM decision (services/accounts). */
export type Identity = {
  /** The workspace's members and their roles. */
  members: ReadonlyArray<{ userId: string; role: Role }>;
  /** The mittr user with this e-mail, if one exists (in any workspace). */
  userByEmail(email: string): { userId: string } | undefined;
  /** The ids of the working API keys the user created in the workspace. */
  keysOf(userId: string): readonly string[];
  /** The plan's team seats (null: unlimited) and those taken (members and pending invitations). */
  seats: { limit: number | null; used: number };
};
export type Deps = { now: number; newId: () => string };
export type Decision = { user: ScimUser; events: Array<ScimMessage | AccountMessage> };

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function assertUnique(users: readonly ScimUser[], input: UserInput, self: string | null): void {
  if (users.some((u) => u.scimId !== self && sameName(u.userName, input.userName))) throw scimError('CONFLICT', 'uniqueness', `userName ${input.userName} is taken in this workspace`);
}

/** The last admin's access is the workspace's: a SCIM change may not end it (RFC 7644 mutability). */
function guarded<T>(decide: () => T): T {
  try {
    return decide();
  } catch (err) {
    if (err instanceof DomainError && err.code === 'INVALID_STATE') throw scimError('VALIDATION_ERROR', 'mutability', `${err.message}: another admin must exist first`);
    throw err;
  }
}

/**
 * The identity events that take a member from `before` (their role, or not a member) to
 * `after`: an inactive user is no member, so their sessions stop resolving, and the API keys
 * they created are revoked with it, in the same append.
 */
export function accessEvents(accountId: string, identity: Identity, userId: string, after: { active: boolean; role: Role }, now: number): AccountMessage[] {
  const before = identity.members.find((m) => m.userId === userId)?.role;
  if (before && !after.active) {
    const removed = guarded(() => decideRemove(accountId, identity.members, userId, now));
    return [removed, ...identity.keysOf(userId).map((keyId) => ({ type: 'ApiKeyRevoked' as const, accountId, keyId, revokedAt: now }))];
  }
  if (!before && after.active) {
    const { limit, used } = identity.seats;
    if (limit !== null && used >= limit) throw scimError('QUOTA_EXCEEDED', null, `the plan allows ${limit} team seats, all taken (members and pending invitations)`);
    return [{ type: 'MemberAdded', accountId, userId, role: after.role, addedAt: now }];
  }
  if (before && after.active && before !== after.role) return guarded(() => decideRoleChange(accountId, identity.members, userId, after.role, now));
  return [];
}

const eventOf = (type: 'ScimUserProvisioned' | 'ScimUserUpdated', u: ScimUser) => ({
  type, accountId: u.accountId, scimId: u.scimId, userId: u.userId, userName: u.userName, externalId: u.externalId,
  attributes: JSON.stringify(u.attributes), active: u.active, role: u.role, version: u.version, at: u.lastModified,
});

/**
 * Provisions a User (POST /Users): the mittr user with its e-mail is linked, or registered with
 * a password nobody knows (`unusablePasswordHash`: they set one through the reset link, or log in
 * by SSO), and made a member with the role `roles` names (else the one they hold, else viewer).
 * No invitation is mailed: the identity provider is the workspace's word that they belong.
 */
export function decideProvision(
  accountId: string, users: readonly ScimUser[], input: UserInput, identity: Identity, unusablePasswordHash: string, deps: Deps,
): Decision {
  assertUnique(users, input, null);
  const existing = identity.userByEmail(input.email);
  if (existing && users.some((u) => u.userId === existing.userId)) throw scimError('CONFLICT', 'uniqueness', `${input.email} is already provisioned in this workspace`);
  const userId = existing?.userId ?? deps.newId();
  const registered: AccountMessage[] = existing ? [] : [{ type: 'UserRegistered', userId, email: input.email, name: displayName(input), passwordHash: unusablePasswordHash, registeredAt: deps.now }];
  const role = input.role ?? identity.members.find((m) => m.userId === userId)?.role ?? 'viewer';
  const user: ScimUser = {
    accountId, scimId: deps.newId(), userId, userName: input.userName, externalId: input.externalId, attributes: input.attributes,
    active: input.active, role, version: 1, created: deps.now, lastModified: deps.now,
  };
  return { user, events: [...registered, eventOf('ScimUserProvisioned', user), ...accessEvents(accountId, identity, userId, user, deps.now)] };
}

function displayName(input: UserInput): string {
  const name = input.attributes.name as { formatted?: unknown; givenName?: unknown; familyName?: unknown } | undefined;
  const display = input.attributes.displayName;
  if (typeof display === 'string') return display.slice(0, 200);
  if (typeof name?.formatted === 'string') return name.formatted.slice(0, 200);
  return [name?.givenName, name?.familyName].filter((p) => typeof p === 'string').join(' ').slice(0, 200);
}

/** If-Match (RFC 7644 §3.14): absent or `*` passes; otherwise one of its tags must be the current version. */
export function checkIfMatch(current: { version: number }, ifMatch: string | undefined): void {
  if (ifMatch === undefined) return;
  const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (tags.includes('*') || tags.includes(`"${current.version}"`)) return;
  throw scimError('PRECONDITION_FAILED', null, `the resource has changed: its version is W/"${current.version}"`);
}

/**
 * Replaces a User with `input` (PUT, or the outcome of a PATCH): a change of `active` or of the
 * role acts on the membership at once. Nothing changed: nothing is appended.
 */
export function decideReplace(current: ScimUser, users: readonly ScimUser[], input: UserInput, identity: Identity, ifMatch: string | undefined, now: number): Decision {
  checkIfMatch(current, ifMatch);
  assertUnique(users, input, current.scimId);
  const next: ScimUser = {
    ...current, userName: input.userName, externalId: input.externalId, attributes: input.attributes, active: input.active, role: input.role ?? current.role,
  };
  const same = JSON.stringify({ ...next, version: 0, lastModified: 0 }) === JSON.stringify({ ...current, version: 0, lastModified: 0 });
  if (same) return { user: current, events: [] };
  const updated: ScimUser = { ...next, version: current.version + 1, lastModified: now };
  const event: ScimUserUpdated = eventOf('ScimUserUpdated', updated) as ScimUserUpdated;
  return { user: updated, events: [event, ...accessEvents(current.accountId, identity, current.userId, updated, now)] };
}

/** Deletes a User (DELETE): the membership ends as a deactivation does; the mittr login stays (it may belong to other workspaces). */
export function decideDelete(current: ScimUser, identity: Identity, ifMatch: string | undefined, now: number): Array<ScimMessage | AccountMessage> {
  checkIfMatch(current, ifMatch);
  const deleted: ScimUserDeleted = { type: 'ScimUserDeleted', accountId: current.accountId, scimId: current.scimId, userId: current.userId, version: current.version + 1, at: now };
  return [deleted, ...accessEvents(current.accountId, identity, current.userId, { active: false, role: current.role }, now)];
}
