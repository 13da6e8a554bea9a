import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { notSentText } from './not-sent-text';

describe('notSentText', () => {
  it('ends with exactly one full stop whatever the reason ends with', () => {
    expect(notSentText('This message could not be delivered.')).toBe(
      'Not sent: This message could not be delivered.',
    );
    expect(notSentText('Too many attempts')).toBe('Not sent: Too many attempts.');
    expect(notSentText(undefined)).toBe('Not sent.');
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('', '.', '..', '!', ' .'), (reason, end) => {
        expect(notSentText(reason + end)).not.toMatch(/\.\.$/);
      }),
    );
  });
});
