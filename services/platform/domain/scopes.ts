/**
 * The resources API-key scopes name: one read and one write scope each (`events:read`,
 * `events:write`, ...), and `*` for everything. Each route declares the one scope it needs
 * (services/platform/http/contract.ts); a capability adding a resource adds it here.
 */
export const SCOPE_RESOURCES = ['events', 'deliveries', 'endpoints', 'event-types', 'account', 'api-keys', 'team', 'projects', 'audit-logs', 'analytics', 'usage', 'stats', 'connectors', 'inbound', 'alerting', 'gdpr', 'sso', 'scim', 'sub-accounts', 'billing'] as const;
export const ALL_SCOPES = '*';
export const SCOPES: readonly string[] = [ALL_SCOPES, ...SCOPE_RESOURCES.flatMap((r) => [`${r}:read`, `${r}:write`])];

/** Whether a key holding `granted` may call an operation that needs `needed`. A write scope does not include reading. */
export function allows(granted: readonly string[], needed: string): boolean {
  return granted.includes(ALL_SCOPES) || granted.includes(needed);
}
