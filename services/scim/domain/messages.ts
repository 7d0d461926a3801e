/** The SCIM room's events (schemas/scim/): tokens, and the User resources an identity provider keeps. Timestamps are epoch milliseconds. */
export type ScimTokenIssued = { type: 'ScimTokenIssued'; accountId: string; tokenId: string; name: string; tokenHash: string; prefix: string; issuedAt: number };
export type ScimTokenRevoked = { type: 'ScimTokenRevoked'; accountId: string; tokenId: string; revokedAt: number };

/** A User resource's whole state, as each change records it. `attributes` is the rest of the resource as JSON. */
type UserFields = {
  accountId: string; scimId: string; userId: string; userName: string; externalId: string | null;
  attributes: string; active: boolean; role: 'admin' | 'editor' | 'viewer'; version: number; at: number;
};
export type ScimUserProvisioned = UserFields & { type: 'ScimUserProvisioned' };
export type ScimUserUpdated = UserFields & { type: 'ScimUserUpdated' };
export type ScimUserDeleted = { type: 'ScimUserDeleted'; accountId: string; scimId: string; userId: string; version: number; at: number };

export type ScimUserEvent = ScimUserProvisioned | ScimUserUpdated | ScimUserDeleted;
export type ScimMessage = ScimTokenIssued | ScimTokenRevoked | ScimUserEvent;
export const SCIM_MESSAGE_TYPES = ['ScimTokenIssued', 'ScimTokenRevoked', 'ScimUserProvisioned', 'ScimUserUpdated', 'ScimUserDeleted'] as const satisfies readonly ScimMessage['type'][];
