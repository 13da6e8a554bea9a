import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, pageSize } from './page';
import { DomainError } from './domain-error';

describe('page helpers', () => {
  it('caps the page size and rejects abuse', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(() => pageSize(100_000)).toThrow(DomainError);
    expect(() => pageSize(0)).toThrow(/page size/);
    expect(() => pageSize(-5)).toThrow(/page size/);
  });
  it('round-trips cursors and rejects forged ones with a validation error', () => {
    expect(decodeCursor(encodeCursor(['2024-01-01', 'abc']), 2)).toEqual(['2024-01-01', 'abc']);
    expect(() => decodeCursor('not-a-cursor', 2)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => decodeCursor(encodeCursor([{ $gt: '' } as never, 'x']), 2)).toThrow(/malformed/);
  });
});
