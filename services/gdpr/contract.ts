import { Type } from 'typebox';
import { DateTime, Nullable, RoleSchema } from '../platform/http/contract.ts';

/** The gdpr room's HTTP contract. */

export const EraseBody = Type.Object({
  confirm: Type.Optional(Type.String({ maxLength: 255, description: "The workspace's id (GET /api/v1/me) or its exact name: anything else is 400 CONFIRMATION_REQUIRED" })),
});

export const Erased = Type.Object({
  accountId: Type.String(),
  erasedAt: DateTime,
  status: Type.Literal('erased', { description: "Recorded: the workspace's keys and sessions answer 401 from now on; its read models are purged within seconds" }),
});

const List = (description: string) => Type.Array(Type.Unknown(), { description });

/** The export document, as GET /api/v1/gdpr/export streams it (each item as the matching API answer shows it). */
export const ExportDocument = Type.Object({
  format: Type.Literal('mittr.gdpr-export/1'),
  exportedAt: DateTime,
  account: Type.Object({ id: Type.String(), email: Nullable(Type.String()), companyName: Nullable(Type.String()), plan: Nullable(Type.String()), createdAt: Nullable(DateTime), onboardedAt: Nullable(DateTime) }),
  members: Type.Array(Type.Object({ userId: Type.String(), email: Type.String(), emailVerified: Type.Boolean(), role: RoleSchema })),
  invitations: List('Pending invitations'),
  projects: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), environment: Type.String(), createdAt: DateTime })),
  apiKeys: List('API keys\' metadata as GET /api/v1/api-keys shows it: prefix, scopes, dates; never the key'),
  endpoints: List('Endpoints (as GET /api/v1/endpoints/{id}) with projectId and `versions`, every version of their configuration'),
  eventTypes: List('Event types, with projectId'),
  events: List('Events with projectId, their payloads and headers, and `attempts`: every delivery attempt'),
  inboundEndpoints: List('Inbound endpoints (secrets masked) with projectId and `requests`: every request received'),
  connectors: List('Connectors, credentials masked, with projectId'),
  alertRules: List('Alert rules, with projectId'),
  alertHistory: List('Alert firings and resolutions, with projectId'),
  auditLog: List('The audit log, newest first'),
});
