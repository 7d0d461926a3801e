import { Type, type TSchema } from 'typebox';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const SCIM_CONTENT_TYPE = 'application/scim+json';

/** RFC 7644 §3.12: every SCIM error, whatever its status. */
export const ScimErrorBody = Type.Object({
  schemas: Type.Array(Type.String()), status: Type.String({ description: 'The HTTP status, as a string' }),
  scimType: Type.Optional(Type.String({ description: 'invalidFilter, invalidSyntax, invalidValue, invalidPath, noTarget, uniqueness, mutability, tooMany' })),
  detail: Type.String(),
}, { additionalProperties: false });

/** A SCIM resource or message: its attributes are the RFC's, open to extensions. */
export const ScimObject = (description: string) => Type.Object({ schemas: Type.Array(Type.String()) }, { additionalProperties: true, description });
/** A request body: read and checked by the domain (domain/resource.ts, domain/patch.ts), so a bad one is a SCIM 400 with its scimType. */
export const ScimBody = Type.Object({}, { additionalProperties: true });

const ERRORS: Record<number, string> = {
  400: 'A malformed body or filter, an invalid value, PATCH path or target (scimType says which)',
  401: 'No SCIM bearer token, or one that is unknown or revoked',
  402: 'The workspace\'s plan does not include SCIM (Scale and above), or its team seats are all taken',
  404: 'No such User in the token\'s workspace (another workspace\'s ids are not found either)',
  409: 'userName (or the e-mail) is already provisioned in the workspace (scimType uniqueness)',
  412: 'If-Match names a version that is not the current one (meta.version)',
  413: 'The body is larger than mittr accepts',
  415: 'The body is not application/scim+json or application/json',
  503: 'A dependency (Kafka, Postgres) is unavailable: retry',
};

type RouteSchema = { body?: TSchema; querystring?: TSchema; params?: TSchema; headers?: TSchema; response: Record<number, TSchema> };

/** A /scim/v2 route's contract: SCIM errors in application/scim+json, authenticated by the workspace's SCIM token. */
export function scimContract<S extends RouteSchema>(summary: string, schema: S, errors: number[] = []): S {
  const codes = new Set([400, 401, 402, 503, ...errors]);
  if (schema.params) codes.add(404);
  if (schema.body) { codes.add(413); codes.add(415); }
  const response = Object.fromEntries([...codes].sort().map((c) => [c, { ...ScimErrorBody, description: ERRORS[c] }]));
  return {
    ...schema, tags: ['SCIM'], summary, security: [{ scimToken: [] }],
    produces: [SCIM_CONTENT_TYPE], consumes: [SCIM_CONTENT_TYPE, 'application/json'],
    response: { ...response, ...schema.response },
  };
}
