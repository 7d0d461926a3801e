import { DomainError, type ErrorCode } from '../../platform/domain/errors.ts';

/** RFC 7644 §3.12 scimType values mittr answers with. */
export type ScimType = 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue' | 'invalidVers' | 'sensitive';

/** A refusal a SCIM client reads: the domain code gives the status, `scimType` the RFC's detail. */
export const scimError = (code: ErrorCode, scimType: ScimType | null, message: string) => new DomainError(code, message, scimType ? { scimType } : undefined);
