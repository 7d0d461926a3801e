/** Domain error codes; services/platform/http/errors.ts maps each to its HTTP status. */
export type ErrorCode =
  | 'BAD_REQUEST' | 'VALIDATION_ERROR' | 'CONFIRMATION_REQUIRED' | 'UNAUTHORIZED' | 'INVALID_SIGNATURE' | 'FORBIDDEN' | 'INSUFFICIENT_SCOPE' | 'INSUFFICIENT_ROLE' | 'SSO_REQUIRED' | 'NOT_FOUND' | 'CONFLICT'
  | 'INVALID_STATE' | 'DUPLICATE_EVENT' | 'BATCH_TOO_LARGE' | 'QUOTA_EXCEEDED' | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE' | 'PRECONDITION_FAILED' | 'UPGRADE_REQUIRED' | 'SERVICE_UNAVAILABLE' | 'INTERNAL_ERROR'
  /** Billing: this deployment has no payment provider (a checkout or portal asked of `none`); the provider refused or failed. */
  | 'BILLING_NOT_CONFIGURED' | 'PROVIDER_ERROR';

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export const isDomainError = (x: unknown): x is DomainError => x instanceof DomainError;
