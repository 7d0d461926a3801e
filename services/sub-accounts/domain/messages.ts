import type { PortalTheme } from './theme.ts';

/** The sub-account aggregate's events (schemas/sub-accounts/). Timestamps are epoch milliseconds. */
export type SubAccountDefinition = {
  name: string;
  /** The workspace's own id for its customer: unique in the project while the sub-account is active. */
  subID: string;
  /** A JSON object, as text. */
  metadata: string;
  /** Origins (scheme://host[:port]) that may frame the portal: its CSP frame-ancestors. */
  allowedOrigins: string[];
  /** How the portal looks (domain/theme.ts); null: mittr's own look. Records written before it read null. */
  portalTheme: PortalTheme | null;
};

type Base = { subAccountId: string; accountId: string; projectId: string; at: number };
export type SubAccountCreated = Base & { type: 'SubAccountCreated'; version: number; definition: SubAccountDefinition };
export type SubAccountUpdated = Base & { type: 'SubAccountUpdated'; version: number; definition: SubAccountDefinition };
export type SubAccountDeactivated = Base & { type: 'SubAccountDeactivated'; version: number };
/** Not a version of the sub-account: a portal session issued (the audit log's line; the token is never in the log). */
export type SubAccountSessionIssued = Base & { type: 'SubAccountSessionIssued'; sessionId: string; returnUrl: string; exchangeExpiresAt: number };
/** One session revoked, or (sessionId null) every session of the sub-account. */
export type SubAccountSessionsRevoked = Base & { type: 'SubAccountSessionsRevoked'; sessionId: string | null };

export type SubAccountVersioned = SubAccountCreated | SubAccountUpdated | SubAccountDeactivated;
export type SubAccountMessage = SubAccountVersioned | SubAccountSessionIssued | SubAccountSessionsRevoked;
export const SUB_ACCOUNT_MESSAGE_TYPES = [
  'SubAccountCreated', 'SubAccountUpdated', 'SubAccountDeactivated', 'SubAccountSessionIssued', 'SubAccountSessionsRevoked',
] as const satisfies readonly SubAccountMessage['type'][];
