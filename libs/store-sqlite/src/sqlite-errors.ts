import { DomainError } from '@chatter/core';

const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

/** The column list of a "UNIQUE constraint failed: t.a, t.b" message, for a client-safe hint. */
const failedColumns = (error: unknown): string[] => {
  const message = error instanceof Error ? error.message : '';
  const list = message.split('constraint failed:')[1] ?? '';
  return list
    .split(',')
    .map((c) => c.trim().split('.').pop() ?? '')
    .filter((c) => c && c !== 'tenant_id');
};

/**
 * Runs `fn`, translating SQLite constraint violations into domain errors: unique/primary key →
 * CONFLICT, foreign key → NOT_FOUND (a referenced user or conversation does not exist).
 */
export function mapConstraintErrors<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const code = codeOf(error);
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new DomainError('CONFLICT', `${what} already exists`, { fields: failedColumns(error) });
    }
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new DomainError('NOT_FOUND', `${what} refers to something that does not exist`);
    }
    throw error;
  }
}
