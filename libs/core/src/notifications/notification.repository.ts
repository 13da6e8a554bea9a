import { ConversationId, TenantId, UserId } from '../shared/ids';
import { ConversationNotificationOverride, NotificationDefaults } from './notification-settings';
import { NotificationEmail } from './notification-email';
import { PushDevice, TenantNotificationOptions } from './push-device';

/** Most push devices a user may register; registering one more replaces the oldest. */
export const MAX_PUSH_DEVICES = 20;

/**
 * Notification settings and push devices. Users' defaults and conversation overrides, tenants'
 * options, and push subscriptions (unique per tenant and endpoint: registering an endpoint
 * again moves it to the caller and refreshes its keys).
 */
export abstract class NotificationRepository {
  /** The user's saved defaults, or null when never saved. */
  abstract getDefaults(tenantId: TenantId, userId: UserId): Promise<NotificationDefaults | null>;
  abstract saveDefaults(
    tenantId: TenantId,
    userId: UserId,
    defaults: NotificationDefaults,
  ): Promise<void>;
  /** The user's override for a conversation (NO_OVERRIDE when none). */
  abstract getOverride(
    tenantId: TenantId,
    userId: UserId,
    conversationId: ConversationId,
  ): Promise<ConversationNotificationOverride>;
  /** Saves (or, with level and mutedUntil null, removes) an override. */
  abstract saveOverride(
    tenantId: TenantId,
    userId: UserId,
    conversationId: ConversationId,
    override: ConversationNotificationOverride,
  ): Promise<void>;
  abstract getTenantOptions(tenantId: TenantId): Promise<TenantNotificationOptions>;
  abstract saveTenantOptions(tenantId: TenantId, options: TenantNotificationOptions): Promise<void>;
  /**
   * Registers a device, or updates the one with the same endpoint (its owner, keys and label
   * change; its id stays). Keeps at most MAX_PUSH_DEVICES per user, dropping the oldest.
   */
  abstract savePushDevice(device: PushDevice): Promise<PushDevice>;
  /** Whether any user of the tenant has a device (lets a message skip member planning). */
  abstract anyPushDevices(tenantId: TenantId): Promise<boolean>;
  /**
   * Members of a conversation who have at least one device, in user id order after `afterUserId`
   * (at most `limit`, ≤ 1,000). Joins members with devices in the store, so its cost follows the
   * device owners, not the members: a 1,000-member channel with two device owners reads two.
   */
  abstract membersWithPushDevices(
    tenantId: TenantId,
    conversationId: ConversationId,
    afterUserId: UserId | null,
    limit: number,
  ): Promise<UserId[]>;
  /** The user's devices, oldest first. */
  abstract listPushDevices(tenantId: TenantId, userId: UserId): Promise<PushDevice[]>;
  abstract findPushDevice(tenantId: TenantId, id: string): Promise<PushDevice | null>;
  /** Removes a device; with `userId`, only when it is that user's. True when one was removed. */
  abstract removePushDevice(tenantId: TenantId, id: string, userId?: UserId): Promise<boolean>;
  abstract markPushDeviceUsed(tenantId: TenantId, id: string, at: Date): Promise<void>;

  /** The user's notification e-mail (address, verification, digest switch), or null. */
  abstract getNotificationEmail(
    tenantId: TenantId,
    userId: UserId,
  ): Promise<NotificationEmail | null>;
  /**
   * Saves the address, verification state and digest switch (not `lastDigestAt`, nor the digest
   * schedule); null removes the user's e-mail.
   */
  abstract saveNotificationEmail(
    tenantId: TenantId,
    userId: UserId,
    email: NotificationEmail | null,
  ): Promise<void>;
  /**
   * Marks a digest as due at `dueAt` unless one is pending already: true when this call set it
   * (atomic, so only one job is queued per user). A pending mark older than `staleBefore` counts
   * as lost (its job died) and is replaced.
   */
  abstract scheduleDigest(
    tenantId: TenantId,
    userId: UserId,
    dueAt: Date,
    staleBefore: Date,
  ): Promise<boolean>;
  /** Clears the pending mark; with `sentAt`, records when the digest went out. */
  abstract digestDone(tenantId: TenantId, userId: UserId, sentAt: Date | null): Promise<void>;
  /**
   * Members of a conversation with a verified e-mail and digests on, in user id order after
   * `afterUserId` (at most `limit`, ≤ 1,000).
   */
  abstract membersWithEmailDigests(
    tenantId: TenantId,
    conversationId: ConversationId,
    afterUserId: UserId | null,
    limit: number,
  ): Promise<UserId[]>;
}
