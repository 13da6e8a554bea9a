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
