/** Dates are stored as epoch milliseconds. */
export const toMs = (date: Date): number => date.getTime();
export const toMsOrNull = (date: Date | null): number | null =>
  date === null ? null : date.getTime();
export const fromMs = (ms: number): Date => new Date(ms);
export const fromMsOrNull = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
