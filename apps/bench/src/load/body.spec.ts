import { describe, expect, it } from 'vitest';
import { decodeBody, encodeBody } from './body';

describe('message body', () => {
  it('round-trips the scoring fields, padded or not', () => {
    const f = { phase: 3, event: 42, scheduledUs: 123456789012, senderConn: 7, publisherSeq: 9 };
    expect(decodeBody(encodeBody(f))).toEqual(f);
    const padded = encodeBody(f, 64);
    expect(padded).toHaveLength(64);
    expect(decodeBody(padded)).toEqual(f);
  });

  it('ignores bodies that are not the bench’s', () => {
    expect(decodeBody('hello')).toBeUndefined();
    expect(decodeBody('b1|1|2|x|4|5|')).toBeUndefined();
    expect(decodeBody('b1|1|2')).toBeUndefined();
  });
});
