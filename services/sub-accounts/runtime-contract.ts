import { Type } from 'typebox';
import { DateTime } from '../platform/http/contract.ts';
import type { SubAccountState } from './domain/evolve.ts';
import { PortalThemeView } from './contract.ts';

/** The sub-account runtime API's own shapes (the endpoints' and events' are their rooms'). */
export const IdParams = Type.Object({ id: Type.String() });
export const ExchangeBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200, description: 'The token of the portal URL (?token=)' }) });
export const Exchanged = Type.Object({
  sessionToken: Type.String({ description: 'Send it as Authorization: Bearer on every other /sub-account-api route; shown this once, only its hash is kept' }),
  sessionId: Type.String(), subAccountId: Type.String(), expiresAt: DateTime,
});
export const Session = Type.Object({
  sessionId: Type.String(), expiresAt: DateTime,
  subAccount: Type.Object({ id: Type.String(), name: Type.String(), subID: Type.String(), status: Type.Union([Type.Literal('active'), Type.Literal('deactivated')]) }),
  returnURL: Type.String(), allowedOrigins: Type.Array(Type.String({ description: 'Origins that may frame the portal (its CSP frame-ancestors)' })),
  portalTheme: PortalThemeView,
});

/** What GET /sub-account-api/session answers: enough for the portal to title itself, link back and know its framing. */
export function runtimeSessionView(p: { sessionId: string; returnUrl: string; expiresAt: number; subAccount: SubAccountState }) {
  const s = p.subAccount;
  return {
    sessionId: p.sessionId, expiresAt: new Date(p.expiresAt).toISOString(),
    subAccount: { id: s.subAccountId, name: s.definition.name, subID: s.definition.subID, status: s.deleted ? 'deactivated' as const : 'active' as const },
    returnURL: p.returnUrl, allowedOrigins: s.definition.allowedOrigins, portalTheme: s.definition.portalTheme ?? null,
  };
}
