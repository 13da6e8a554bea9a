import { Conversation, Member } from '../messaging/conversation';
import { ConversationRepository } from '../messaging/conversation.repository';
import { Message } from '../messaging/message';
import { BlockRepository } from '../identity/contact.repository';
import { Clock } from '../shared/clock';
import { DomainService } from '../shared/domain-service';
import { TenantId, UserId } from '../shared/ids';
import { CoreSettings } from '../shared/settings';
import { MailSender } from './mail-sender.port';
import { NotificationQueue } from './notification-queue.port';
import { NotificationTrigger, planNotification } from './notification-policy';
import { NotificationRepository } from './notification.repository';
import { defaultNotificationDefaults } from './notification-settings';

const MEMBER_PAGE = 100;
const MAX_MEMBERS_PLANNED = 10_000;
/** A pending digest mark this much past its due time is taken as lost (its job died). */
const STALE_AFTER_MS = 15 * 60_000;

/**
 * Queues e-mail digests: when a message (or a new mention) would notify a member who has a
 * verified address with digests on — the same policy as pushes: level, mute, quiet hours, blocks —
 * one DIGEST job is queued for that member, due a digest period after the later of now and their
 * last digest. While one is pending, nothing more is queued, so a member gets at most one digest
 * per period however many messages arrive.
 */
@DomainService()
export class ScheduleEmailDigests {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly conversations: ConversationRepository,
    private readonly blocks: BlockRepository,
    private readonly queue: NotificationQueue,
    private readonly mail: MailSender,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  /** Plans digests for the members `trigger` concerns (`userIds` null: every member). */
  async planFor(
    conversation: Conversation,
    message: Message,
    trigger: (member: Member) => NotificationTrigger,
    userIds: readonly UserId[] | null = null,
  ): Promise<void> {
    if (!this.mail.configured()) return;
    const { tenantId } = conversation;
    if (userIds) {
      for (const userId of userIds.slice(0, 100)) {
        const member = await this.conversations.getMember(tenantId, conversation.id, userId);
        const email = member && (await this.notifications.getNotificationEmail(tenantId, userId));
        if (member && email?.verified && email.digestEnabled)
          await this.plan(conversation, message, member, trigger(member));
      }
      return;
    }
    let after: string | null = null;
    for (let seen = 0; seen < MAX_MEMBERS_PLANNED; seen += MEMBER_PAGE) {
      const ids = await this.notifications.membersWithEmailDigests(
        tenantId,
        conversation.id,
        after,
        MEMBER_PAGE,
      );
      for (const userId of ids) {
        const member = await this.conversations.getMember(tenantId, conversation.id, userId);
        if (member) await this.plan(conversation, message, member, trigger(member));
      }
      if (ids.length < MEMBER_PAGE) return;
      after = ids[ids.length - 1]!;
    }
  }

  /** Queues the member's digest for a period from now unless one is pending (quiet hours too). */
  async queueDigest(tenantId: TenantId, userId: UserId, lastDigestAt: Date | null): Promise<void> {
    const now = this.clock.now().getTime();
    const period = this.settings.emailDigestDelaySeconds * 1000;
    const due = new Date(Math.max(now + period, (lastDigestAt?.getTime() ?? 0) + period));
    const set = await this.notifications.scheduleDigest(
      tenantId,
      userId,
      due,
      new Date(now - STALE_AFTER_MS),
    );
    if (!set) return;
    await this.queue.enqueue(
      `digest:${tenantId}:${userId}:${due.getTime()}`,
      { kind: 'DIGEST', tenantId, recipientId: userId, dueAt: due.toISOString() },
      due,
    );
  }

  private async plan(
    conversation: Conversation,
    message: Message,
    member: Member,
    trigger: NotificationTrigger,
  ): Promise<void> {
    const { tenantId } = conversation;
    if (member.userId === message.senderId) return;
    const facts = {
      recipientId: member.userId,
      senderId: message.senderId,
      conversationKind: conversation.kind,
      trigger,
      defaults:
        (await this.notifications.getDefaults(tenantId, member.userId)) ??
        defaultNotificationDefaults(this.settings.notifyDelaySeconds),
      override: await this.notifications.getOverride(tenantId, member.userId, conversation.id),
      memberMuted: member.muted,
      blockedEitherWay: false,
      // Quiet hours hold a digest back when it is due, not when the message arrives.
      now: this.clock.now(),
    };
    const withoutQuiet = { ...facts, defaults: { ...facts.defaults, quietHours: null } };
    if (!planNotification(withoutQuiet).notify) return;
    withoutQuiet.blockedEitherWay = await this.blocks.isBlockedEitherWay(
      tenantId,
      message.senderId,
      member.userId,
    );
    if (!planNotification(withoutQuiet).notify) return;
    const email = await this.notifications.getNotificationEmail(tenantId, member.userId);
    if (!email?.verified || !email.digestEnabled) return;
    await this.queueDigest(tenantId, member.userId, email.lastDigestAt);
  }
}
