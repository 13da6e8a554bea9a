import { DomainError } from '@chatter/core';

const DUPLICATE_KEY = 11000;

const codeOf = (err: unknown): unknown =>
  typeof err === 'object' && err !== null && 'code' in err
    ? (err as { code: unknown }).code
    : undefined;

/** True for a unique-index violation (E11000), also when reported inside a bulk write. */
export function isDuplicateKey(err: unknown): boolean {
  if (codeOf(err) === DUPLICATE_KEY) return true;
  if (typeof err === 'object' && err !== null && 'writeErrors' in err) {
    const writeErrors = (err as { writeErrors: unknown }).writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : [writeErrors];
    return list.length > 0 && list.every((e) => codeOf(e) === DUPLICATE_KEY);
  }
  return false;
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
