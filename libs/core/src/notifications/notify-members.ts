import { BlockRepository } from '../identity/contact.repository';
import { Conversation, Member } from '../messaging/conversation';
import { ConversationRepository } from '../messaging/conversation.repository';
import { Message } from '../messaging/message';
import { AddedMentions, MessageNotifier } from '../messaging/message-notifier.port';
import { Clock } from '../shared/clock';
import { DomainService } from '../shared/domain-service';
import { CoreSettings } from '../shared/settings';
import { NotificationQueue } from './notification-queue.port';
import { NotificationTrigger, planNotification } from './notification-policy';
import { NotificationRepository } from './notification.repository';
import { defaultNotificationDefaults } from './notification-settings';
import { ThreadFollowRepository } from '../messaging/threads/thread-follow.repository';
import { ScheduleEmailDigests } from './schedule-email-digests';

/** Device owners read per page while planning, and at most in all (very large channels). */
const MEMBER_PAGE = 100;
const MAX_MEMBERS_PLANNED = 10_000;

/**
 * Plans notifications for a new message or newly added mentions: for each member who has a
 * device to notify, applies the policy (level, mute, quiet hours, blocks) and queues a CHECK job
 * for when the unread delay is up. At most one job per person, message and trigger. E-mail
 * digests are planned beside (ScheduleEmailDigests), by the same policy.
 */
@DomainService()
export class NotifyMembers extends MessageNotifier {
  constructor(
    private readonly notifications: NotificationRepository,
    private readonly conversations: ConversationRepository,
    private readonly blocks: BlockRepository,
    private readonly queue: NotificationQueue,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    private readonly follows: ThreadFollowRepository,
    private readonly digests: ScheduleEmailDigests,
  ) {
    super();
  }

  /** A thread reply notifies only who follows the thread (or is mentioned in it). */
  async messageAdded(conversation: Conversation, message: Message): Promise<void> {
    const mentioned = new Set(message.mentions);
    const rootId = message.threadRootId ?? null;
    await this.forMembers(conversation, async (member) => {
      const mentionsMe = message.mentionsAll || mentioned.has(member.userId);
      if (rootId !== null && !mentionsMe && !(await this.following(member, rootId))) return;
      await this.plan(conversation, message, member, { kind: 'MESSAGE', mentionsMe });
    });
    await this.digests.planFor(conversation, message, (member) => ({
      kind: 'MESSAGE',
      mentionsMe: message.mentionsAll || mentioned.has(member.userId),
    }));
  }

  private async following(member: Member, rootId: string): Promise<boolean> {
    const [state] = await this.follows.findMany(member.tenantId, member.userId, [rootId]);
    return state?.following === true;
  }

  async mentionsAdded(
    conversation: Conversation,
    message: Message,
    added: AddedMentions,
  ): Promise<void> {
    const trigger: NotificationTrigger = { kind: 'MENTION_ADDED' };
    await this.digests.planFor(
      conversation,
      message,
      () => trigger,
      added.everyone ? null : added.userIds,
    );
    if (added.everyone) {
      await this.forMembers(conversation, (member) =>
        this.plan(conversation, message, member, trigger),
      );
      return;
    }
    for (const userId of added.userIds.slice(0, 100)) {
      const member = await this.conversations.getMember(
        conversation.tenantId,
        conversation.id,
        userId,
      );
      if (member) await this.plan(conversation, message, member, trigger);
    }
  }

  /**
   * Members who have a device to notify, a page at a time: the store joins members with devices,
   * so a large channel where few people registered a device costs those few rows.
   */
  private async forMembers(
    conversation: Conversation,
    each: (member: Member) => Promise<void>,
  ): Promise<void> {
    // Most messages go to tenants where nobody registered a device: skip the lookup then.
    if (!(await this.notifications.anyPushDevices(conversation.tenantId))) return;
    let after: string | null = null;
    for (let seen = 0; seen < MAX_MEMBERS_PLANNED; seen += MEMBER_PAGE) {
      const userIds = await this.notifications.membersWithPushDevices(
        conversation.tenantId,
        conversation.id,
        after,
        MEMBER_PAGE,
      );
      for (const userId of userIds) {
        const member = await this.conversations.getMember(
          conversation.tenantId,
          conversation.id,
          userId,
        );
        if (member) await each(member);
      }
      if (userIds.length < MEMBER_PAGE) return;
      after = userIds[userIds.length - 1]!;
    }
  }

  private async plan(
    conversation: Conversation,
    message: Message,
    member: Member,
    trigger: NotificationTrigger,
  ): Promise<void> {
    const { tenantId } = conversation;
    if (member.userId === message.senderId) return;
    // Nobody to tell: no device registered.
    const devices = await this.notifications.listPushDevices(tenantId, member.userId);
    if (devices.length === 0) return;
    const now = this.clock.now();
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
      now,
    };
    // Blocks are read only for members the rest of the policy would notify.
    if (!planNotification(facts).notify) return;
    facts.blockedEitherWay = await this.blocks.isBlockedEitherWay(
      tenantId,
      message.senderId,
      member.userId,
    );
    const plan = planNotification(facts);
    if (!plan.notify) return;
    await this.queue.enqueue(
      `check:${tenantId}:${message.id}:${member.userId}:${trigger.kind}`,
      {
        kind: 'CHECK',
        tenantId,
        conversationId: conversation.id,
        messageId: message.id,
        messageSeq: message.seq,
        recipientId: member.userId,
        mention: plan.mention,
        triggeredAt: now.toISOString(),
      },
      plan.notBefore,
    );
  }
}
