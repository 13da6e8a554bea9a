import { invalid } from '@chatter/core';

export { decodeKeyset, toPage } from '@chatter/core';

/** Mongo treats `limit(0)` as "no limit"; callers asking for nothing get nothing. */
export const hasRoom = (limit: number): boolean => Number.isFinite(limit) && limit >= 1;

/** The instant of a cursor part; a number that is no valid date makes the cursor malformed. */
export function cursorDate(ms: number): Date {
  const at = new Date(ms);
  if (Number.isNaN(at.getTime())) throw invalid('after', 'malformed cursor');
  return at;
}
