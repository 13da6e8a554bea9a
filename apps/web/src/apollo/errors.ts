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
  // @chatter/sdk's NetworkError: no answer, or a 5xx/429 status.
  if ((error as { name?: unknown }).name === 'NetworkError') return true;
  if (e.networkError) {
    const status = (e.networkError as { statusCode?: number }).statusCode;
    return status === undefined || status >= 500 || status === 429;
  }
  return error instanceof TypeError;
}

/** Which input a VALIDATION_FAILED answer is about (the server names it in extensions.field). */
export function errorField(error: unknown): string | undefined {
  const e = error as Partial<ApolloError> & { errors?: GqlErrorLike[] };
  const list = (e?.graphQLErrors as GqlErrorLike[] | undefined) ?? e?.errors;
  const field = list?.[0]?.extensions?.['field'];
  return typeof field === 'string' ? field : undefined;
}

/** Why a VALIDATION_FAILED answer refused the input, when the server says (e.g. BLANK). */
export function errorReason(error: unknown): string | undefined {
  const e = error as Partial<ApolloError> & { errors?: GqlErrorLike[] };
  const list = (e?.graphQLErrors as GqlErrorLike[] | undefined) ?? e?.errors;
  const reason = list?.[0]?.extensions?.['reason'];
  return typeof reason === 'string' ? reason : undefined;
}

const INVALID_FIELD: Record<string, string> = {
  phone: 'That does not look like a phone number. Check the number and the country.',
  name: 'Please enter a name (up to 64 characters).',
  title: 'Please enter a shorter name.',
  body: 'This message is empty or too long to send.',
  avatarUrl: 'The picture address must start with https:// or http://.',
  statusText: 'Please shorten your status.',
  statusEmoji: 'Please pick one emoji for your status.',
  emoji: 'Please pick one emoji.',
};

/** Wording for cases where the same code means different things on different screens. */
export interface ErrorWording {
  /** NOT_FOUND, e.g. "No one on Chatter has this number yet." */
  readonly notFound?: string;
  /** BLOCKED: said without revealing a block. */
  readonly blocked?: string;
}

/**
 * Words a person understands for any failed request; never the server's own wording, which is
 * written for developers ("phone number must be in international format…").
 */
export function describeError(error: unknown, wording: ErrorWording = {}): string {
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
      if (errorReason(error) === 'BLANK') return 'A message needs more than spaces.';
      return (
        INVALID_FIELD[errorField(error) ?? ''] ?? 'Please check what you entered and try again.'
      );
    case 'NOT_FOUND':
      return wording.notFound ?? 'That is no longer available.';
    case 'FORBIDDEN':
      return 'You are not allowed to do that.';
    case 'BLOCKED':
      // As a blocked sender sees it elsewhere: not delivered, with no word about a block.
      return wording.blocked ?? 'This message could not be delivered.';
    case 'CONFLICT':
      if (errorField(error) === 'clientMessageId')
        return 'This message could not be sent again. Copy it and send it as a new message.';
      return errorField(error) === 'title'
        ? 'A channel with this name already exists. Pick another name.'
        : 'That already exists.';
    case 'LAST_OWNER':
      return 'Make someone else an owner first.';
    case 'NOT_A_MEMBER':
      return 'You are no longer a member of this conversation.';
    case 'ACCOUNT_SUSPENDED':
      return 'Your account is suspended by the administrators of this community.';
    case 'ACCOUNT_BANNED':
      return 'Your account is banned from this community.';
    case 'CONTENT_BLOCKED':
      return 'This contains a word this community does not allow. Change it and try again.';
    case 'SMS_DELIVERY_FAILED':
      return 'We could not send the code. Try again in a moment.';
    case 'UNAVAILABLE':
      return 'Chatter is having trouble right now. Try again in a moment.';
    case 'UNAUTHENTICATED':
      return 'Your session has ended. Please sign in again.';
    default:
      if (isNetworkFailure(error)) return 'No connection. Check your network and try again.';
      return 'Something went wrong. Please try again.';
  }
}
