import { patchBodyValidation, scimPatch, ScimError, type ScimPatch, type ScimResource } from 'scim-patch';
import { scimError, type ScimType } from './errors.ts';
import { readUser, toResource, type ScimUser, type UserInput } from './resource.ts';

export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** The most operations one PATCH may carry. */
export const MAX_OPERATIONS = 100;
const SCIM_TYPES = new Set<string>(['invalidFilter', 'invalidPath', 'noTarget', 'invalidValue', 'invalidSyntax', 'mutability']);

/**
 * Applies a PatchOp (RFC 7644 §3.5.2) to the User with scim-patch: add, replace and remove, with
 * a path (`active`, `name.givenName`, `emails[type eq "work"].value`) or without one (a value
 * object, as Okta sends), ops in any case (Azure AD's "Replace"). The outcome is read again as a
 * whole User, so a patch can never make a resource a PUT could not.
 */
export function applyPatch(current: ScimUser, body: unknown): UserInput {
  const patch = body as ScimPatch;
  try {
    patchBodyValidation(patch);
  } catch (err) {
    throw refusal(err, 'invalidSyntax');
  }
  if (patch.Operations.length > MAX_OPERATIONS) throw scimError('VALIDATION_ERROR', 'tooMany', `a PATCH carries at most ${MAX_OPERATIONS} operations`);
  const resource = toResource(current, '') as unknown as ScimResource;
  let patched: ScimResource;
  try {
    patched = scimPatch(resource, patch.Operations, { mutateDocument: false, treatMissingAsAdd: true });
  } catch (err) {
    throw refusal(err, 'invalidValue');
  }
  return readUser(patched);
}

/** scim-patch's refusals name their scimType; anything else it throws is still the request's fault. */
function refusal(err: unknown, fallback: ScimType): Error {
  const code = err instanceof ScimError ? err.scimCode : undefined;
  const scimType = (code && SCIM_TYPES.has(code) ? code : fallback) as ScimType;
  return scimError('VALIDATION_ERROR', scimType, `invalid PATCH: ${err instanceof Error ? err.message : String(err)}`);
}
