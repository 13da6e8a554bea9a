import { initialMigration } from './001-initial';
import { tenantSearchAndSettingsMigration } from './002-tenant-search-and-settings';
import { contactsByConsentMigration } from './003-contacts-by-consent';
import { historyVisibilityMigration } from './004-history-visibility';
import { attachmentsMigration } from './005-attachments';
import { Migration } from './migration';

export { Migration } from './migration';
export { migrate } from './migrate';

/** Every migration of the store, oldest first. Append new ones; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  initialMigration,
  tenantSearchAndSettingsMigration,
  contactsByConsentMigration,
  historyVisibilityMigration,
  attachmentsMigration,
];
