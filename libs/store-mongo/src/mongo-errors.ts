import { DomainError } from '@chatter/core';

const DUPLICATE_KEY = 11000;

const codeOf = (err: unknown): unknown =>
  typeof err === 'object' && err !== null && 'code' in err
    ? (err as { code: unknown }).code
    : undefined;

/** One error's own signs of a duplicate key: the code, the code name, or the server's message. */
function isOneDuplicate(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; codeName?: unknown; errmsg?: unknown; message?: unknown };
  if (e.code === DUPLICATE_KEY || e.codeName === 'DuplicateKey') return true;
  // Some engines and transaction paths carry only the server's text (it always starts so).
  const text = typeof e.errmsg === 'string' ? e.errmsg : e.message;
  return typeof text === 'string' && text.startsWith('E11000 duplicate key error');
}

/**
 * True for a unique-index violation (E11000), also when reported inside a bulk write, or wrapped
 * by the driver (`errorResponse`, `cause`) as a transaction's commit may report it.
 */
export function isDuplicateKey(err: unknown): boolean {
  if (isOneDuplicate(err)) return true;
  if (typeof err !== 'object' || err === null) return false;
  if ('writeErrors' in err) {
    const writeErrors = (err as { writeErrors: unknown }).writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : [writeErrors];
    return list.length > 0 && list.every((e) => codeOf(e) === DUPLICATE_KEY || isOneDuplicate(e));
  }
  const { errorResponse, cause } = err as { errorResponse?: unknown; cause?: unknown };
  return isOneDuplicate(errorResponse) || isOneDuplicate(cause);
}

/** Runs a write and turns a unique-index violation into DomainError CONFLICT. */
export async function conflictOnDuplicate<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isDuplicateKey(err)) throw new DomainError('CONFLICT', `${what} already exists`);
    throw err;
  }
}
