import { ENTERPRISE_SCHEMA, USER_SCHEMA } from './domain/resource.ts';
import { MAX_OPERATIONS } from './domain/patch.ts';

export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
/** The most Users one page answers (ServiceProviderConfig filter.maxResults). */
export const MAX_RESULTS = 1_000;
const SPC_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RT_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

/** What mittr's SCIM service does (RFC 7643 §5): PATCH, filter, ETags; no bulk, sort, password change. */
export const serviceProviderConfig = (base: string) => ({
  schemas: [SPC_SCHEMA],
  documentationUri: 'https://docs.mittr.io/scim',
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: MAX_RESULTS },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: true },
  authenticationSchemes: [{ type: 'oauthbearertoken', name: 'Bearer token', description: 'A SCIM token from POST /api/v1/scim/tokens', primary: true }],
  meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  maxOperations: MAX_OPERATIONS,
});

export const userResourceType = (base: string) => ({
  schemas: [RT_SCHEMA], id: 'User', name: 'User', endpoint: '/Users', description: 'A member of the workspace', schema: USER_SCHEMA,
  schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
  meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
});

type Attr = Record<string, unknown>;
const attr = (name: string, extra: Attr = {}): Attr => ({
  name, type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...extra,
});
const multi = (name: string, description: string): Attr => attr(name, {
  type: 'complex', multiValued: true, description,
  subAttributes: [attr('value'), attr('display'), attr('type'), attr('primary', { type: 'boolean' })],
});

/** The User schema mittr keeps (RFC 7643 §4.1, the attributes it stores); `roles[].value` is the mittr role. */
export const userSchema = (base: string) => ({
  schemas: [SCHEMA_SCHEMA], id: USER_SCHEMA, name: 'User', description: 'A member of the workspace',
  attributes: [
    attr('userName', { required: true, uniqueness: 'server', description: 'Unique in the workspace, case-insensitive' }),
    attr('name', { type: 'complex', subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((n) => attr(n)) }),
    ...['displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone'].map((n) => attr(n)),
    attr('active', { type: 'boolean', description: 'false removes the member\'s access, ends their sessions and revokes the API keys they created' }),
    multi('emails', 'The primary (else first) value is the mittr login e-mail when the user is first provisioned'),
    multi('phoneNumbers', 'Phone numbers'),
    multi('roles', 'The primary (else first) value is the mittr role: admin, editor or viewer'),
  ],
  meta: { resourceType: 'Schema', location: `${base}/Schemas/${USER_SCHEMA}` },
});

export const listOf = (resources: unknown[], total: number, startIndex: number) =>
  ({ schemas: [LIST_SCHEMA], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources });
