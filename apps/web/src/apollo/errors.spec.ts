import { ApolloError } from '@apollo/client';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { describeError } from './errors';

const refusal = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  new ApolloError({
    graphQLErrors: [new GraphQLError(message, { extensions: { code, ...extra } })],
  });

describe('describeError', () => {
  it('never shows the server wording for invalid input', () => {
    const e = refusal(
      'BAD_USER_INPUT',
      'phone number must be in international format, starting with +',
      {
        field: 'phone',
      },
    );
    expect(describeError(e)).toBe(
      'That does not look like a phone number. Check the number and the country.',
    );
    expect(
      describeError(refusal('BAD_USER_INPUT', 'weird internal detail', { field: 'nope' })),
    ).toBe('Please check what you entered and try again.');
    expect(describeError(new Error('Response not successful: Received status code 400'))).toBe(
      'Something went wrong. Please try again.',
    );
  });

  it('tells a blank message, a reused clientMessageId and a non-emoji reaction apart', () => {
    expect(
      describeError(
        refusal('BAD_USER_INPUT', 'body cannot be only whitespace', {
          field: 'body',
          reason: 'BLANK',
        }),
      ),
    ).toBe('A message needs more than spaces.');
    expect(describeError(refusal('BAD_USER_INPUT', 'body must be 1–4000', { field: 'body' }))).toBe(
      'This message is empty or too long to send.',
    );
    expect(describeError(refusal('CONFLICT', 'reused', { field: 'clientMessageId' }))).toMatch(
      /could not be sent again/,
    );
    expect(describeError(refusal('BAD_USER_INPUT', 'x', { field: 'emoji' }))).toBe(
      'Please pick one emoji.',
    );
  });

  it('says what "not found" means where it happens', () => {
    expect(
      describeError(refusal('NOT_FOUND', 'user not found'), {
        notFound: 'No one on Chatter has this number yet.',
      }),
    ).toBe('No one on Chatter has this number yet.');
    expect(describeError(refusal('NOT_FOUND', 'conversation not found'))).not.toMatch(
      /^Not found\.?$/,
    );
  });

  it('tells a blocked sender nothing about the block, in one sentence with one full stop', () => {
    const text = describeError(refusal('BLOCKED', 'you cannot message this user'));
    expect(text).toBe('This message could not be delivered.');
    expect(text).not.toMatch(/block|cannot message/i);
    expect(text).not.toMatch(/\.\.$/);
  });
});
