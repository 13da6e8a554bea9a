import { describe } from 'vitest';
import { isRealMongo } from '../harness/mongo';
import { attachmentRepositoryContract } from './attachment-repository.contract';
import { callRepositoryContract } from './call-repository.contract';
import { botRepositoryContract } from './bot-repository.contract';
import {
  incomingWebhookRepositoryContract,
  webhookQueueRepositoryContract,
  webhookRepositoryContract,
} from './webhook-repository.contract';
import { contactRepositoryContract } from './contact-repository.contract';
import { conversationRepositoryContract } from './conversation-repository.contract';
import { messageRepositoryContract } from './message-repository.contract';
import { messageSearchContract } from './message-search.contract';
import { linkPreviewRepositoryContract } from './link-preview-repository.contract';
import { pollRepositoryContract } from './poll-repository.contract';
import { MakeStore } from './store-under-test';
import { notificationRepositoryContract } from './notification-repository.contract';
import { sessionRepositoryContract } from './session-repository.contract';
import { tenantRepositoryContract } from './tenant-repository.contract';
import { tenantRoleRepositoryContract } from './tenant-role-repository.contract';
import { sanctionRepositoryContract } from './sanction-repository.contract';
import { auditLogRepositoryContract } from './audit-log-repository.contract';
import { reportRepositoryContract } from './report-repository.contract';
import { scheduledMessageRepositoryContract } from './scheduled-message-repository.contract';
import { disappearingMessagesContract } from './disappearing-messages.contract';
import { safetySettingsRepositoryContract } from './safety-settings-repository.contract';
import { messageRetentionContract } from './message-retention.contract';
import { userRepositoryContract } from './user-repository.contract';
import { oidcRepositoryContract } from './oidc-repository.contract';
import { threadAndStarContract } from './thread-and-star.contract';

/**
 * Runs every repository contract against one store. `makeStore` is called once per test and
 * must return an empty (or tenant-isolated) store; its `cleanup` runs after the test.
 */
export function storeContracts(name: string, makeStore: MakeStore): void {
  describe(`${name} store contracts`, () => {
    tenantRepositoryContract(makeStore);
    userRepositoryContract(makeStore);
    sessionRepositoryContract(makeStore);
    contactRepositoryContract(makeStore);
    conversationRepositoryContract(makeStore);
    messageRepositoryContract(makeStore);
    messageSearchContract(makeStore);
    pollRepositoryContract(makeStore);
    attachmentRepositoryContract(makeStore);
    callRepositoryContract(makeStore);
    notificationRepositoryContract(makeStore);
    tenantRoleRepositoryContract(makeStore);
    sanctionRepositoryContract(makeStore);
    auditLogRepositoryContract(makeStore);
    reportRepositoryContract(makeStore);
    scheduledMessageRepositoryContract(makeStore);
    disappearingMessagesContract(makeStore);
    safetySettingsRepositoryContract(makeStore);
    messageRetentionContract(makeStore);
    threadAndStarContract(makeStore);
    botRepositoryContract(makeStore);
    webhookRepositoryContract(makeStore);
    // The MongoDB test engine loses concurrent updates: that race runs on real servers only.
    webhookQueueRepositoryContract(makeStore, {
      concurrentClaims: !name.startsWith('mongo') || isRealMongo(),
    });
    incomingWebhookRepositoryContract(makeStore);
    linkPreviewRepositoryContract(makeStore);
    oidcRepositoryContract(makeStore);
  });
}
