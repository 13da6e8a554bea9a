/** Stable codes for every rule the domain enforces; the GraphQL layer maps each to `extensions.code`. */
export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_REVOKED'
  | 'RATE_LIMITED'
  | 'CONFLICT'
  | 'LOGIN_CODE_INVALID'
  | 'LOGIN_CODE_EXPIRED'
  | 'NAME_REQUIRED'
  | 'SMS_DELIVERY_FAILED'
  | 'BLOCKED'
  | 'LAST_OWNER'
  | 'NOT_A_MEMBER'
  | 'UNAVAILABLE'
  | 'FILE_TOO_LARGE'
  | 'FILE_TYPE_REFUSED'
  | 'QUOTA_EXCEEDED'
  | 'ATTACHMENT_ALREADY_USED'
  | 'BUSY'
  | 'ACCOUNT_SUSPENDED'
  | 'ACCOUNT_BANNED'
  | 'CONTENT_BLOCKED'
  | 'POLL_CLOSED';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Extra facts safe to show a client (field name, retry hint…). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`);
export const invalid = (field: string, message: string) =>
  new DomainError('VALIDATION_FAILED', message, { field });
export const forbidden = (message: string) => new DomainError('FORBIDDEN', message);
