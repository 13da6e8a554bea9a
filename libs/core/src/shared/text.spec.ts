import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from './domain-error';
import { checkText, normalizeLineBreaks } from './text';

const body = (value: string) =>
  checkText('body', value, { min: 1, max: 4000, multiline: true, keepVerbatim: true });

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('checkText', () => {
  it('normalizes \\r\\n and \\r to \\n in multiline text', () => {
    expect(body('line 1\r\nline 2')).toBe('line 1\nline 2');
    expect(body('a\rb\r\n\r\nc\n')).toBe('a\nb\n\nc\n');
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'é', ' ', '東', '\n', '\r', '\r\n', '👍🏽'), {
          minLength: 1,
          maxLength: 40,
        }),
        (parts) => {
          const text = parts.join('');
          fc.pre(text.trim().length > 0);
          const out = body(text);
          expect(out).not.toContain('\r');
          expect(out).toBe(text.replace(/\r\n/g, '\n').replace(/\r/g, '\n'));
          expect(normalizeLineBreaks(out)).toBe(out);
        },
      ),
    );
  });

  it('still refuses \\r in single-line text', () => {
    expect(refusal(() => checkText('name', 'a\rb', { min: 1, max: 64 })).details).toEqual({
      field: 'name',
    });
  });

  it('refuses whitespace-only text with its own message and reason', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom(' ', '\n', '\t', '\r\n', '\r', '\u00a0', '\u3000', '\u2003'), {
            minLength: 1,
            maxLength: 30,
          })
          .map((p) => p.join('')),
        (blank) => {
          const error = refusal(() => body(blank));
          expect(error.code).toBe('VALIDATION_FAILED');
          expect(error.details).toEqual({ field: 'body', reason: 'BLANK' });
          expect(error.message).toBe('body cannot be only whitespace');
        },
      ),
    );
    // Empty is a length problem, not a blank one.
    expect(refusal(() => body('')).details).toEqual({ field: 'body' });
    expect(refusal(() => body('x'.repeat(4001))).message).toBe('body must be 1–4000 characters');
  });
});
