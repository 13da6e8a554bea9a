import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scheduledFailureText } from './failure-text';

describe('scheduledFailureText', () => {
  it('never tells a blocked sender about the block', () => {
    const text = scheduledFailureText('BLOCKED');
    expect(text).toBe('it could not be delivered');
    expect(text).not.toMatch(/block|cannot message/i);
  });

  it('has plain words for the codes a scheduled send fails with', () => {
    expect(scheduledFailureText('NOT_A_MEMBER')).toBe('you are no longer a member');
    expect(scheduledFailureText('CONTENT_BLOCKED')).toBe(
      'it contains a word this community does not allow',
    );
    expect(scheduledFailureText(null)).toBe('it could not be sent');
  });

  it('never shows a server code, whatever the server sends', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[A-Z][A-Z_]{2,30}$/)), (code) => {
        const text = scheduledFailureText(code);
        expect(text).toMatch(/^[a-z][a-z ]+$/);
        if (/^[A-Z_]{3,}$/.test(code)) expect(text).not.toContain(code);
      }),
    );
  });
});
