import { initialMigration } from './001-initial';
import { historyVisibilityMigration } from './002-history-visibility';
import { Migration } from './migration';

export { Migration } from './migration';
export { migrate } from './migrate';

/** Every migration of the store, oldest first. Append new ones; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [initialMigration, historyVisibilityMigration];
