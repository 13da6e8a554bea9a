import { describe, expect, it } from 'vitest';
import { isDuplicateKey } from './mongo-errors';

const serverText = 'E11000 duplicate key error index: tenant_unique_key dup key: { tenantId: "t" }';

describe('isDuplicateKey', () => {
  it('knows a duplicate by its code, its code name, the server text, in bulk writes and wrapped', () => {
    expect(isDuplicateKey({ code: 11000 })).toBe(true);
    expect(isDuplicateKey({ codeName: 'DuplicateKey' })).toBe(true);
    expect(isDuplicateKey(new Error(serverText))).toBe(true);
    expect(isDuplicateKey({ errmsg: serverText })).toBe(true);
    expect(isDuplicateKey({ writeErrors: [{ code: 11000 }, { errmsg: serverText }] })).toBe(true);
    expect(isDuplicateKey({ errorResponse: { code: 11000 } })).toBe(true);
    expect(isDuplicateKey({ cause: new Error(serverText) })).toBe(true);
  });

  it('refuses everything else', () => {
    expect(isDuplicateKey(null)).toBe(false);
    expect(isDuplicateKey('E11000 duplicate key error')).toBe(false);
    expect(isDuplicateKey({ code: 112, codeName: 'WriteConflict' })).toBe(false);
    expect(isDuplicateKey(new Error('a message that mentions E11000 duplicate key error'))).toBe(
      false,
    );
    expect(isDuplicateKey({ writeErrors: [{ code: 11000 }, { code: 121 }] })).toBe(false);
    expect(isDuplicateKey({ writeErrors: [] })).toBe(false);
  });
});
