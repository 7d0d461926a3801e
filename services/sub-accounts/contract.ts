import { Type } from 'typebox';
import { DateTime, Nullable } from '../platform/http/contract.ts';
import { Page } from '../platform/http/page.ts';
import { MAX_ORIGINS } from './domain/definition.ts';
import { MAX_SESSION_TTL_SECONDS, MIN_SESSION_TTL_SECONDS } from './domain/session.ts';

/** The sub-accounts room's HTTP contract. Ranges and formats the decider checks are its, so a bad value answers a 400 naming the rule. */

/** The portal's look (domain/theme.ts checks each value's shape, so a bad one answers a 400 naming it). */
const ThemeInput = Type.Object({
  primaryColor: Type.Optional(Nullable(Type.String({ maxLength: 9, description: 'A hex colour (#rgb, #rgba, #rrggbb, #rrggbbaa): buttons and the header\'s rule' }))),
  accentColor: Type.Optional(Nullable(Type.String({ maxLength: 9, description: 'A hex colour: links, focus rings, the current page' }))),
  logoUrl: Type.Optional(Nullable(Type.String({ maxLength: 2048, description: 'An https URL, or a path on mittr (/...)' }))),
  mode: Type.Optional(Nullable(Type.Union([Type.Literal('light'), Type.Literal('dark')]))),
  fontFamily: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'A font family list: letters, digits, spaces, commas, - and _' }))),
}, { additionalProperties: false });
export const PortalThemeView = Nullable(Type.Object({
  primaryColor: Nullable(Type.String()), accentColor: Nullable(Type.String()), logoUrl: Nullable(Type.String()),
  mode: Nullable(Type.Union([Type.Literal('light'), Type.Literal('dark')])), fontFamily: Nullable(Type.String()),
}, { description: 'How the portal looks; null: mittr\'s own look. The portal URL\'s query (?primary=, ?accent=, ?theme=light|dark) overrides it' }));

const Fields = {
  name: Type.String({ maxLength: 255 }),
  subID: Type.String({ maxLength: 128, description: 'Your own id for this customer: unique in the project among active sub-accounts' }),
  metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Any JSON object, at most 16 KiB' })),
  allowedOrigins: Type.Optional(Type.Array(Type.String({ maxLength: 2048 }), {
    maxItems: MAX_ORIGINS, description: 'Origins (https://app.example.com, no path) that may embed the portal in an iframe: its Content-Security-Policy frame-ancestors. Empty: no page may frame it',
  })),
  portalTheme: Type.Optional(Type.Union([ThemeInput, Type.Null()], { description: 'The portal\'s look: an object replaces the whole theme (a field left out is unset), null clears it' })),
};
export const CreateBody = Type.Object(Fields);
export const PatchBody = Type.Partial(Type.Object(Fields));
export const IdParams = Type.Object({ id: Type.String() });
export const SessionParams = Type.Object({ id: Type.String(), sessionId: Type.String() });
export const ListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) });

/** A sub-account as the API shows it (projections/sub-accounts/queries.ts subAccountView). */
export const SubAccount = Type.Object({
  id: Type.String(), name: Type.String(), subID: Type.String(), metadata: Type.Record(Type.String(), Type.Unknown()),
  allowedOrigins: Type.Array(Type.String()), portalTheme: PortalThemeView,
  status: Type.Union([Type.Literal('active'), Type.Literal('deactivated')], { description: 'deactivated (DELETE): events, endpoints and sessions for it are refused (409 INVALID_STATE); its history stays readable' }),
  version: Type.Integer(), createdAt: DateTime, updatedAt: DateTime,
});
export const SubAccountPage = Page(SubAccount);

export const SessionBody = Type.Object({
  returnURL: Type.String({ maxLength: 2048, description: 'Where the portal\'s "back" link goes; on one of allowedOrigins when the sub-account has any' }),
  ttlSeconds: Type.Optional(Type.Integer({ description: `The session's idle lifetime, ${MIN_SESSION_TTL_SECONDS}-${MAX_SESSION_TTL_SECONDS} s (default 3600): each use slides its expiry this far ahead. The URL's exchange token itself works once, within 10 minutes` })),
});
export const SessionUrl = Type.Object({
  url: Type.String({ description: '<public URL>/portal/exchange?token=<one-time exchange token>: embed it (iframe) or redirect to it' }),
  sessionId: Type.String(), exchangeExpiresAt: DateTime,
});
export const PortalSession = Type.Object({
  id: Type.String(), state: Type.Union([Type.Literal('pending'), Type.Literal('active')], { description: 'pending: its exchange token is not used yet' }),
  returnURL: Type.String(), ttlSeconds: Type.Integer(), createdAt: DateTime, exchangeExpiresAt: DateTime,
  exchangedAt: Nullable(DateTime), expiresAt: Nullable(DateTime),
});
export const PortalSessionList = Type.Object({ data: Type.Array(PortalSession) });
export const Revoked = Type.Object({ revoked: Type.Integer() });
