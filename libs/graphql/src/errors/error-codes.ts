import { DomainErrorCode } from '@chatter/core';

/** The one place where domain error codes become GraphQL `extensions.code`. */
export function graphqlCodeFor(code: DomainErrorCode): string {
  switch (code) {
    case 'VALIDATION_FAILED':
      return 'BAD_USER_INPUT';
    case 'NOT_FOUND':
      return 'NOT_FOUND';
    case 'FORBIDDEN':
      return 'FORBIDDEN';
    case 'UNAUTHENTICATED':
      return 'UNAUTHENTICATED';
    case 'TOKEN_EXPIRED':
      return 'TOKEN_EXPIRED';
    case 'TOKEN_REVOKED':
      return 'TOKEN_REVOKED';
    case 'RATE_LIMITED':
      return 'RATE_LIMITED';
    case 'CONFLICT':
      return 'CONFLICT';
    case 'LOGIN_CODE_INVALID':
      return 'LOGIN_CODE_INVALID';
    case 'LOGIN_CODE_EXPIRED':
      return 'LOGIN_CODE_EXPIRED';
    case 'NAME_REQUIRED':
      return 'NAME_REQUIRED';
    case 'SMS_DELIVERY_FAILED':
      return 'SMS_DELIVERY_FAILED';
    case 'BLOCKED':
      return 'BLOCKED';
    case 'LAST_OWNER':
      return 'LAST_OWNER';
    case 'NOT_A_MEMBER':
      return 'NOT_A_MEMBER';
    case 'UNAVAILABLE':
      return 'SERVICE_UNAVAILABLE';
    case 'FILE_TOO_LARGE':
      return 'FILE_TOO_LARGE';
    case 'FILE_TYPE_REFUSED':
      return 'FILE_TYPE_REFUSED';
    case 'QUOTA_EXCEEDED':
      return 'QUOTA_EXCEEDED';
    case 'ATTACHMENT_ALREADY_USED':
      return 'ATTACHMENT_ALREADY_USED';
    case 'BUSY':
      return 'BUSY';
    case 'ACCOUNT_SUSPENDED':
      return 'ACCOUNT_SUSPENDED';
    case 'ACCOUNT_BANNED':
      return 'ACCOUNT_BANNED';
    case 'CONTENT_BLOCKED':
      return 'CONTENT_BLOCKED';
    case 'POLL_CLOSED':
      return 'POLL_CLOSED';
  }
}
