import { BlockRepository } from '../identity/contact.repository';
import { UserRepository } from '../identity/user.repository';
import { PresenceStore } from '../events/presence.port';
import { ConversationRepository } from '../messaging/conversation.repository';
import { MessageRepository } from '../messaging/message.repository';
import { Clock } from '../shared/clock';
import { DomainService } from '../shared/domain-service';
import { CoreSettings } from '../shared/settings';
import { JobResult, NotificationJob, NotificationQueue } from './notification-queue.port';
import { stillNotify } from './notification-policy';
import { messagePayload, testPayload } from './notification-payload';
import { NotificationRepository } from './notification.repository';
import { defaultNotificationDefaults } from './notification-settings';
import { PushDevice } from './push-device';
import { PushMessage, PushSender } from './push-sender.port';
import { DeliveryLedger } from './delivery-ledger.port';
import { UnreadBadge } from './unread-badge';
import { SendEmailDigest } from './send-email-digest';

/** How long a push service may hold a notification for an offline device. */
const PUSH_TTL_SECONDS = 24 * 3600;
/** How long a sent (message, device) is remembered: longer than a job can wait in the queue. */
const SENT_KEPT_MS = 2 * 24 * 3600_000;

/** Something a delivery reports for logs and metrics. */
export type DeliveryReport =
  | { outcome: 'SENT' | 'PRUNED' | 'REJECTED'; job: NotificationJob }
  | { outcome: 'SKIPPED'; job: NotificationJob; reason: string };

/**
 * Runs the queue's jobs: a CHECK applies the policy again when the delay is up (read meanwhile,
 * active on another device, muted, blocked, removed) and queues one SEND per device; a SEND
 * builds the payload and pushes it, pruning subscriptions the push service says are gone.
 * A failed push is retried by the queue with backoff. Each (message, device) is claimed in the
 * delivery ledger before it is pushed and recorded as sent after, so a SEND the queue hands out
 * again (its instance died before acknowledging) is not pushed twice.
 */
@DomainService()
export class DeliverNotifications {
  /** Told about each delivery outcome (logging, tests). */
  onReport: (report: DeliveryReport) => void = () => undefined;

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly users: UserRepository,
    private readonly blocks: BlockRepository,
    private readonly presence: PresenceStore,
    private readonly queue: NotificationQueue,
    private readonly sender: PushSender,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    private readonly ledger: DeliveryLedger,
    private readonly badges: UnreadBadge,
    private readonly digests: SendEmailDigest,
  ) {}

  /** Starts consuming the queue. */
  start(): void {
    this.queue.consume((job) => this.handle(job));
  }

  async handle(job: NotificationJob): Promise<JobResult> {
    switch (job.kind) {
      case 'CHECK':
        return this.check(job);
      case 'SEND':
        return this.send(job);
      case 'TEST':
        return this.test(job);
      case 'DIGEST': {
        const outcome = await this.digests.run(job.tenantId, job.recipientId);
        if (outcome.sent) this.onReport({ outcome: 'SENT', job });
        else this.onReport({ outcome: 'SKIPPED', job, reason: outcome.reason });
        return 'DONE';
      }
    }
  }

  private async check(job: Extract<NotificationJob, { kind: 'CHECK' }>): Promise<JobResult> {
    const { tenantId, recipientId } = job;
    const conversation = await this.conversations.findById(tenantId, job.conversationId);
    const message = await this.messages.findById(tenantId, job.messageId);
    if (!conversation || !message || message.deletedAt) return this.skip(job, 'MESSAGE_GONE');
    const member = await this.conversations.getMember(tenantId, conversation.id, recipientId);
    const now = this.clock.now();
    const [state] = await this.presence.get(
      tenantId,
      [recipientId],
      now,
      this.settings.awayAfterMs,
    );
    const verdict = stillNotify({
      messageSeq: job.messageSeq,
      triggeredAt: new Date(job.triggeredAt),
      readSeq: member?.readSeq ?? 0,
      // Connected and not idle: the user sees the app on some device right now.
      lastActiveAt: state?.status === 'ONLINE' ? now : null,
      defaults:
        (await this.notifications.getDefaults(tenantId, recipientId)) ??
        defaultNotificationDefaults(this.settings.notifyDelaySeconds),
      override: await this.notifications.getOverride(tenantId, recipientId, conversation.id),
      memberMuted: member?.muted ?? false,
      stillMember: member !== null,
      blockedEitherWay: await this.blocks.isBlockedEitherWay(
        tenantId,
        message.senderId,
        recipientId,
      ),
      now,
    });
    if (!verdict.notify) return this.skip(job, verdict.reason);
    const devices = await this.notifications.listPushDevices(tenantId, recipientId);
    const badge = devices.length > 0 ? await this.badges.count(tenantId, recipientId) : 0;
    for (const device of devices) {
      await this.queue.enqueue(
        `send:${tenantId}:${job.messageId}:${recipientId}:${device.id}`,
        {
          kind: 'SEND',
          tenantId,
          conversationId: conversation.id,
          messageId: job.messageId,
          recipientId,
          deviceId: device.id,
          mention: job.mention,
          badge,
        },
        now,
      );
    }
    return 'DONE';
  }

  private async send(job: Extract<NotificationJob, { kind: 'SEND' }>): Promise<JobResult> {
    const { tenantId } = job;
    const device = await this.device(tenantId, job.deviceId, job.recipientId);
    if (!device) return this.skip(job, 'DEVICE_GONE');
    const conversation = await this.conversations.findById(tenantId, job.conversationId);
    const message = await this.messages.findById(tenantId, job.messageId);
    if (!conversation || !message || message.deletedAt) return this.skip(job, 'MESSAGE_GONE');
    const [sender] = await this.users.findByIds(tenantId, [message.senderId]);
    const options = await this.notifications.getTenantOptions(tenantId);
    const payload = messagePayload({
      conversationId: conversation.id,
      conversationKind: conversation.kind,
      conversationTitle: conversation.title,
      messageId: message.id,
      senderName: sender?.name || 'Someone',
      text: options.omitMessageText ? null : (message.body ?? ''),
      attachmentOnly: (message.body ?? '') === '',
      mention: job.mention,
      badge: job.badge ?? null,
      sentAt: message.createdAt,
    });
    const key = `${tenantId}:${message.id}:${device.id}`;
    const claim = await this.ledger.claim(key, this.settings.pushDeliveryLeaseMs);
    // SENT: done before. BUSY: another instance is sending it right now (or died doing so and
    // its lease has not lapsed yet): look again after a backoff.
    if (claim.outcome !== 'CLAIMED')
      return claim.outcome === 'SENT' ? this.skip(job, 'ALREADY_SENT') : 'RETRY';
    let result: JobResult;
    try {
      result = await this.push(job, device, {
        payload,
        ttlSeconds: PUSH_TTL_SECONDS,
        urgency: job.mention || conversation.kind === 'DIRECT' ? 'high' : 'normal',
        topic: topicOf(conversation.id),
      });
    } catch (error) {
      await this.ledger.release(key, claim.token).catch(() => undefined);
      throw error;
    }
    await this.ledger.markSent(key, SENT_KEPT_MS);
    return result;
  }

  private async test(job: Extract<NotificationJob, { kind: 'TEST' }>): Promise<JobResult> {
    const device = await this.device(job.tenantId, job.deviceId, job.recipientId);
    if (!device) return this.skip(job, 'DEVICE_GONE');
    return this.push(job, device, {
      payload: testPayload(new Date(job.sentAt)),
      ttlSeconds: 600,
      urgency: 'high',
    });
  }

  private async push(
    job: NotificationJob,
    device: PushDevice,
    message: PushMessage,
  ): Promise<JobResult> {
    const outcome = await this.sender.send(device, message);
    if (outcome === 'GONE') {
      await this.notifications.removePushDevice(device.tenantId, device.id);
      this.onReport({ outcome: 'PRUNED', job });
    } else if (outcome === 'REJECTED') {
      this.onReport({ outcome: 'REJECTED', job });
    } else {
      await this.notifications.markPushDeviceUsed(device.tenantId, device.id, this.clock.now());
      this.onReport({ outcome: 'SENT', job });
    }
    return 'DONE';
  }

  private async device(
    tenantId: string,
    deviceId: string,
    userId: string,
  ): Promise<PushDevice | null> {
    const device = await this.notifications.findPushDevice(tenantId, deviceId);
    return device && device.userId === userId ? device : null;
  }

  private skip(job: NotificationJob, reason: string): JobResult {
    this.onReport({ outcome: 'SKIPPED', job, reason });
    return 'DONE';
  }
}

/** A Web Push topic: at most 32 URL-safe characters, one per conversation. */
function topicOf(conversationId: string): string {
  return conversationId.replace(/[^A-Za-z0-9_-]/g, '').slice(-32) || 'chatter';
}
