/** The accounts room's events (schemas/accounts/): workspaces, users, memberships, keys. Timestamps are epoch milliseconds. */
export type AccountCreated = {
  type: 'AccountCreated';
  accountId: string; email: string; companyName: string; passwordHash: string;
  signingSecretEnc: string; projectId: string; plan: string; createdAt: number;
  /** The user who opened it; null for accounts opened before users existed (their owner is the account's e-mail and password). */
  ownerUserId: string | null;
};
/** A person with a login, apart from any workspace. */
export type UserRegistered = { type: 'UserRegistered'; userId: string; email: string; name: string; passwordHash: string; registeredAt: number };
/** A user joined a workspace with a role. */
export type MemberAdded = { type: 'MemberAdded'; accountId: string; userId: string; role: 'admin' | 'editor' | 'viewer'; addedAt: number };
export type ApiKeyCreated = {
  type: 'ApiKeyCreated';
  accountId: string; keyId: string; name: string; keyHash: string; prefix: string; createdAt: number;
  /** What the key may do (`events:write`, ..., or `*`): services/platform/domain/scopes.ts. */
  scopes: string[];
  /** Requests per minute; null: the plan's default. */
  rateLimit: number | null;
  expiresAt: number | null;
  /** The one project the key may reach; null: any of the workspace's. */
  projectId: string | null;
  /** The user whose session created it (SCIM deactivation revokes it); null or absent: none. */
  createdBy?: string | null;
};
export type ApiKeyRevoked = { type: 'ApiKeyRevoked'; accountId: string; keyId: string; revokedAt: number };
export type AccountSigningSecretRotated = {
  type: 'AccountSigningSecretRotated';
  accountId: string; signingSecretEnc: string; previousSecretEnc: string; previousExpiresAt: number; rotatedAt: number;
};
type Role = MemberAdded['role'];
export type InvitationCreated = {
  type: 'InvitationCreated'; accountId: string; invitationId: string; email: string; role: Role; tokenHash: string;
  invitedBy: string | null; expiresAt: number; createdAt: number;
};
export type InvitationAccepted = { type: 'InvitationAccepted'; accountId: string; invitationId: string; userId: string; acceptedAt: number };
export type MemberRoleChanged = { type: 'MemberRoleChanged'; accountId: string; userId: string; role: Role; changedAt: number };
export type MemberRemoved = { type: 'MemberRemoved'; accountId: string; userId: string; removedAt: number };
export type EmailTokenIssued = { type: 'EmailTokenIssued'; userId: string; purpose: 'verify' | 'reset'; tokenHash: string; expiresAt: number; issuedAt: number };
export type UserEmailVerified = { type: 'UserEmailVerified'; userId: string; verifiedAt: number };
export type UserPasswordChanged = { type: 'UserPasswordChanged'; userId: string; passwordHash: string; changedAt: number };
export type ProjectCreated = { type: 'ProjectCreated'; accountId: string; projectId: string; name: string; environment: string; createdAt: number };
export type ProjectUpdated = { type: 'ProjectUpdated'; accountId: string; projectId: string; name: string; environment: string; updatedAt: number };
export type ProjectDeleted = { type: 'ProjectDeleted'; accountId: string; projectId: string; deletedAt: number };
export type ProjectMessage = ProjectCreated | ProjectUpdated | ProjectDeleted;
export type AccountOnboarded = { type: 'AccountOnboarded'; accountId: string; companyName: string; onboardedAt: number };
export type PeopleMessage =
  | UserRegistered | MemberAdded | InvitationCreated | InvitationAccepted | MemberRoleChanged | MemberRemoved
  | EmailTokenIssued | UserEmailVerified | UserPasswordChanged;
export type AccountMessage = AccountCreated | AccountOnboarded | ApiKeyCreated | ApiKeyRevoked | AccountSigningSecretRotated | PeopleMessage | ProjectMessage;
export const ACCOUNT_MESSAGE_TYPES = [
  'AccountCreated', 'UserRegistered', 'MemberAdded', 'ApiKeyCreated', 'ApiKeyRevoked', 'AccountSigningSecretRotated',
  'InvitationCreated', 'InvitationAccepted', 'MemberRoleChanged', 'MemberRemoved', 'EmailTokenIssued', 'UserEmailVerified', 'UserPasswordChanged',
  'ProjectCreated', 'ProjectUpdated', 'ProjectDeleted', 'AccountOnboarded',
] as const satisfies readonly AccountMessage['type'][];
