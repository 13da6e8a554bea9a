import { initialMigration } from './001-initial';
import { tenantSearchAndSettingsMigration } from './002-tenant-search-and-settings';
import { contactsByConsentMigration } from './003-contacts-by-consent';
import { historyVisibilityMigration } from './004-history-visibility';
import { mentionsMigration } from './005-mentions';
import { logEntryDetailsMigration } from './006-log-entry-details';
import { channelDescriptionAndNamesMigration } from './007-channel-description-and-names';
import { attachmentsMigration } from './008-attachments';
import { formerMembersMigration } from './009-former-members';
import { attachmentRetentionMigration } from './010-attachment-retention';
import { notificationsMigration } from './011-notifications';
import { callsMigration } from './012-calls';
import { botsMigration } from './013-bots';
import { searchEveryScriptMigration } from './014-search-every-script';
import { tenantRolesAndModerationMigration } from './016-tenant-roles-and-moderation';
import { auditLogAndReportsMigration } from './017-audit-log-and-reports';
import { threadsAndForwardingMigration } from './020-threads-and-forwarding';
import { starredMessagesMigration } from './021-starred-messages';
import { linkPreviewsMigration } from './023-link-previews';
import { pollsMigration } from './024-polls';
import { scheduledMessagesMigration } from './026-scheduled-messages';
import { disappearingMessagesMigration } from './027-disappearing-messages';
import { tenantSafetySettingsMigration } from './029-tenant-safety-settings';
import { liveMessagesByAgeMigration } from './030-live-messages-by-age';
import { oidcSignInMigration } from './032-oidc-sign-in';
import { notificationEmailsMigration } from './038-notification-emails';
import { durableWebhookQueueMigration } from './040-durable-webhook-queue';
import { allowedAttachmentKindsMigration } from './041-allowed-attachment-kinds';
import { activeCallsMigration } from './042-active-calls';
import { batchedSearchIndexingMigration } from './044-batched-search-indexing';
import { webhookHistoryPruningMigration } from './045-webhook-history-pruning';
import { Migration } from './migration';

export { Migration } from './migration';
export { migrate } from './migrate';

/** Every migration of the store, oldest first. Append new ones; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  initialMigration,
  tenantSearchAndSettingsMigration,
  contactsByConsentMigration,
  historyVisibilityMigration,
  mentionsMigration,
  logEntryDetailsMigration,
  channelDescriptionAndNamesMigration,
  attachmentsMigration,
  formerMembersMigration,
  attachmentRetentionMigration,
  notificationsMigration,
  callsMigration,
  botsMigration,
  searchEveryScriptMigration,
  tenantRolesAndModerationMigration,
  auditLogAndReportsMigration,
  threadsAndForwardingMigration,
  starredMessagesMigration,
  linkPreviewsMigration,
  pollsMigration,
  scheduledMessagesMigration,
  disappearingMessagesMigration,
  tenantSafetySettingsMigration,
  liveMessagesByAgeMigration,
  oidcSignInMigration,
  notificationEmailsMigration,
  durableWebhookQueueMigration,
  allowedAttachmentKindsMigration,
  activeCallsMigration,
  batchedSearchIndexingMigration,
  webhookHistoryPruningMigration,
];
