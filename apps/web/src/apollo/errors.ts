// Maps server error codes (extensions.code) to words a person understands.
import type { ApolloError } from '@apollo/client';

interface GqlErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

export function errorCode(error: unknown): string | undefined {
  const e = error as Partial<ApolloError> & { errors?: GqlErrorLike[] };
  const list = (e?.graphQLErrors as GqlErrorLike[] | undefined) ?? e?.errors;
  return list?.[0]?.extensions?.['code'] as string | undefined;
}

export function retryAfter(error: unknown): number | undefined {
  const e = error as Partial<ApolloError>;
  const v = (e?.graphQLErrors?.[0] as GqlErrorLike | undefined)?.extensions?.['retryAfterSeconds'];
  return typeof v === 'number' ? v : undefined;
}

/** True when the request never got an answer (offline, server down): safe to retry later. */
export function isNetworkFailure(error: unknown): boolean {
  const e = error as Partial<ApolloError>;
  if (!e) return false;
  if (e.networkError) {
    const status = (e.networkError as { statusCode?: number }).statusCode;
    return status === undefined || status >= 500 || status === 429;
  }
  return error instanceof TypeError;
}

export function describeError(error: unknown): string {
  const code = errorCode(error);
  switch (code ?? '') {
    case 'LOGIN_CODE_INVALID':
      return 'That code is not right. Check it and try again.';
    case 'LOGIN_CODE_EXPIRED':
      return 'That code has expired. Send a new one.';
    case 'RATE_LIMITED': {
      const s = retryAfter(error);
      return s
        ? `Too many attempts. Try again in ${s} s.`
        : 'Too many attempts. Try again in a moment.';
    }
    case 'BAD_USER_INPUT':
    case 'VALIDATION_FAILED':
      return (error as ApolloError).graphQLErrors?.[0]?.message ?? 'Please check what you entered.';
    case 'NOT_FOUND':
      return 'Not found.';
    case 'FORBIDDEN':
      return 'You are not allowed to do that.';
    case 'BLOCKED':
      return 'You cannot message this person.';
    case 'UNAUTHENTICATED':
      return 'Your session has ended. Please sign in again.';
    default:
      if (isNetworkFailure(error)) return 'No connection. Check your network and try again.';
      return (error as Error)?.message || 'Something went wrong.';
  }
}
