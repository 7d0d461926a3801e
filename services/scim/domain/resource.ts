import type { Role } from '../../platform/domain/roles.ts';
import { scimError } from './errors.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ROLES: readonly Role[] = ['admin', 'editor', 'viewer'];
/** The attributes kept besides userName, externalId and active: RFC 7643 §4.1 (no password: mittr never stores one an IdP sends) and the enterprise extension. */
const KEPT = ['name', 'displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', 'emails', 'phoneNumbers', 'roles', ENTERPRISE_SCHEMA];
/** The most a resource's other attributes may take, as JSON. */
export const MAX_ATTRIBUTES_BYTES = 16_384;

/** A User resource as the workspace holds it. */
export type ScimUser = {
  accountId: string; scimId: string; userId: string; userName: string; externalId: string | null;
  attributes: Record<string, unknown>; active: boolean; role: Role; version: number; created: number; lastModified: number;
};
/** What a request (POST, PUT, or a patched resource) asks a User to be. */
/** `role` is null when the body names none: a change then keeps the member's role. */
export type UserInput = { userName: string; externalId: string | null; attributes: Record<string, unknown>; active: boolean; role: Role | null; email: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const invalid = (message: string) => scimError('VALIDATION_ERROR', 'invalidValue', message);
/** Attribute names are case-insensitive (RFC 7643 §2.1): the body's keys, by their lower-cased name. */
const byLowerName = (body: Record<string, unknown>) => new Map(Object.entries(body).map(([k, v]) => [k.toLowerCase(), v]));

/** `active` as IdPs send it: a boolean, or (Azure AD) the string "True"/"False". */
function readActive(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw invalid('active must be a boolean');
}

/** The mittr role from `roles` (the primary one, else the first): admin, editor or viewer; none: null. */
function readRole(roles: unknown): Role | null {
  if (roles === undefined || roles === null) return null;
  if (!Array.isArray(roles)) throw invalid('roles must be an array of {value}');
  const chosen = roles.find((r) => isObject(r) && r.primary === true) ?? roles[0];
  if (chosen === undefined) return null;
  const value = isObject(chosen) ? chosen.value : undefined;
  if (typeof value !== 'string' || !(ROLES as readonly string[]).includes(value.toLowerCase())) throw invalid(`roles[].value must be one of ${ROLES.join(', ')}`);
  return value.toLowerCase() as Role;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The login e-mail: the primary (else first) of `emails`, else userName when it is an address. */
function readEmail(userName: string, emails: unknown): string {
  if (emails !== undefined && emails !== null && !Array.isArray(emails)) throw invalid('emails must be an array of {value}');
  const list = (emails ?? []) as unknown[];
  const chosen = list.find((e) => isObject(e) && e.primary === true) ?? list[0];
  const value = isObject(chosen) && typeof chosen.value === 'string' ? chosen.value : userName;
  const email = value.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 254) throw invalid('a User needs an e-mail address: in emails[].value, or as its userName');
  return email;
}

/** Reads a User from a request body (RFC 7643 §4.1): names are case-insensitive; id and meta are the server's and ignored. */
export function readUser(body: unknown): UserInput {
  if (!isObject(body)) throw scimError('BAD_REQUEST', 'invalidSyntax', 'the body must be a SCIM User object');
  const schemas = body.schemas;
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.includes(USER_SCHEMA))) throw scimError('BAD_REQUEST', 'invalidSyntax', `schemas must include ${USER_SCHEMA}`);
  const fields = byLowerName(body);
  const userName = fields.get('username');
  if (typeof userName !== 'string' || userName.trim().length === 0 || userName.length > 256) throw invalid('userName is required: 1 to 256 characters');
  const externalId = fields.get('externalid');
  if (externalId !== undefined && externalId !== null && (typeof externalId !== 'string' || externalId.length > 256)) throw invalid('externalId must be a string of at most 256 characters');
  const attributes: Record<string, unknown> = {};
  for (const name of KEPT) if (fields.get(name.toLowerCase()) !== undefined) attributes[name] = fields.get(name.toLowerCase());
  if (Buffer.byteLength(JSON.stringify(attributes)) > MAX_ATTRIBUTES_BYTES) throw invalid(`the User's attributes exceed ${MAX_ATTRIBUTES_BYTES} bytes`);
  return {
    userName: userName.trim(), externalId: (externalId as string | null | undefined) ?? null, attributes,
    active: readActive(fields.get('active')), role: readRole(attributes.roles), email: readEmail(userName, attributes.emails),
  };
}

/** The resource's ETag (meta.version): weak, its version. */
export const etagOf = (u: { version: number }) => `W/"${u.version}"`;

/** The User resource as SCIM answers it (RFC 7643 §4.1, §3.1 meta). */
export function toResource(u: ScimUser, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA, ...(u.attributes[ENTERPRISE_SCHEMA] ? [ENTERPRISE_SCHEMA] : [])],
    id: u.scimId, ...(u.externalId !== null ? { externalId: u.externalId } : {}), userName: u.userName, active: u.active, ...u.attributes,
    meta: { resourceType: 'User', created: new Date(u.created).toISOString(), lastModified: new Date(u.lastModified).toISOString(), version: etagOf(u), location: `${baseUrl}/Users/${u.scimId}` },
  };
}
